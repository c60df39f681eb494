/** How bad a finding is: an `error` makes `arm64kit doctor` exit 1. */
export type Severity = 'error' | 'warning' | 'info';

/** One thing doctor saw, what it means, and the exact command that fixes it (when one does). */
export interface Finding {
  /** Stable identifier, e.g. `handler.no-preserve-argv0`; scripts and tests key on it. */
  id: string;
  severity: Severity;
  /** One line naming the problem (or the fact). */
  title: string;
  /** What doctor read or saw: the status-file line, the value, the path. */
  evidence: string;
  /** Why it matters: the error message users meet and what it means. */
  explanation?: string;
  /** The exact shell command that fixes it. */
  fix?: string;
}
