/**
 * Runs a host call that creates a file or directory under the guest's umask alone. The mode
 * passed already has the guest's umask applied; the host process's own umask would take more
 * bits away (a guest that sets umask 0 and creates with 0666 must get 0666, as from the
 * kernel). Only creating calls need it.
 */
export function withGuestUmask<T>(create: () => T): T {
  let host: number;
  try {
    host = process.umask(0);
  } catch {
    // A worker thread may not change the process's umask: the host's then applies as well.
    return create();
  }
  try {
    return create();
  } finally {
    process.umask(host);
  }
}
