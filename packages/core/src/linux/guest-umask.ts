/**
 * Runs a host call that creates a file or directory under the guest's umask alone. The mode
 * passed already has the guest's umask applied; the host process's own umask would take more
 * bits away (a guest that sets umask 0 and creates with 0666 must get 0666, as from the
 * kernel). The kernel's calls run on the main thread, the one that may change the umask.
 */
export function withGuestUmask<T>(create: () => T): T {
  const host = process.umask(0);
  try {
    return create();
  } finally {
    process.umask(host);
  }
}
