import { E, fail } from '../errno.js';
import { inOrphanedGroup } from '../job-control.js';
import type { LinuxKernel } from '../kernel.js';
import { SIG_IGN, sigbit } from '../signal-state.js';
import { controllingTerminal } from './registry.js';
import type { Terminal } from './terminal.js';

export const SIGTTIN = 21;
export const SIGTTOU = 22;

function ignoredOrBlocked(k: LinuxKernel, signo: number): boolean {
  return (k.signals.mask & sigbit(signo)) !== 0n || k.signals.action(signo).handler === SIG_IGN;
}

/**
 * A background process reads its controlling terminal (n_tty's job_control): its group gets
 * SIGTTIN and the read is restarted once it may go on; EIO when SIGTTIN is ignored or blocked,
 * or when nobody could continue the group (it is orphaned).
 */
export function checkBackgroundRead(k: LinuxKernel, terminal: Terminal): void {
  if (controllingTerminal(k) !== terminal || k.pgid === terminal.foreground) return;
  if (ignoredOrBlocked(k, SIGTTIN) || inOrphanedGroup(k)) fail(E.EIO);
  terminal.signalGroup(k.pgid, SIGTTIN);
  fail(E.ERESTARTSYS);
}

/**
 * A background process changes its controlling terminal (tty_check_change: TCSETS*, TIOCSPGRP,
 * TCFLSH…, and writes under TOSTOP): allowed when SIGTTOU is ignored or blocked (as bash does
 * while it hands the terminal over), EIO in an orphaned group, else its group gets SIGTTOU.
 */
export function checkBackgroundChange(k: LinuxKernel, terminal: Terminal): void {
  if (controllingTerminal(k) !== terminal || k.pgid === terminal.foreground) return;
  if (ignoredOrBlocked(k, SIGTTOU)) return;
  if (inOrphanedGroup(k)) fail(E.EIO);
  terminal.signalGroup(k.pgid, SIGTTOU);
  fail(E.ERESTARTSYS);
}
