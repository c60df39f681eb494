import type { LinuxKernel } from '../kernel.js';
import { controllingTerminal } from './registry.js';

const SIGHUP = 1;

/**
 * A session leader ended (do_exit's disassociate_ctty): the foreground process group of its
 * controlling terminal gets SIGHUP, and the terminal controls no session any more, so the
 * processes left in the session have no controlling terminal.
 */
export function sessionLeaderExited(k: LinuxKernel): void {
  if (k.sid !== k.pid) return;
  const terminal = controllingTerminal(k);
  if (terminal === null) return;
  terminal.signalForeground(SIGHUP);
  terminal.session = null;
}
