/** What a executed block asks the machine to do next (the PC slot already holds the target). */
export const EXIT_JUMP = 0;
export const EXIT_SYSCALL = 1;

/** A block compiled for execution: runs once, returns EXIT_JUMP or EXIT_SYSCALL, or throws GuestSignal. */
export type BlockRunner = () => number;
