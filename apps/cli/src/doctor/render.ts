import type { Finding, Severity } from './types.js';

const MARK: Record<Severity, string> = { error: 'error', warning: 'warn ', info: 'ok   ' };

/** Styles a severity mark (the command passes the terminal colours; plain text by default). */
export type MarkPainter = (severity: Severity, mark: string) => string;

export interface RenderOptions {
  /** How severity marks are styled; left plain when absent. */
  paint?: MarkPainter;
  /** Show the evidence and explanation of info findings too. */
  verbose?: boolean;
}

/** A summary line such as "2 errors, 1 warning". */
export function summarize(findings: Finding[]): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const errors = count('error');
  const warnings = count('warning');
  if (errors === 0 && warnings === 0) return 'no problems found';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/**
 * Human-readable report: one line per finding, then for problems the evidence, why it matters
 * and the command that fixes it, indented beneath.
 */
export function renderFindings(findings: Finding[], options: RenderOptions = {}): string {
  const lines: string[] = [];
  let lastFix: string | undefined;
  for (const f of findings) {
    const mark = options.paint ? options.paint(f.severity, MARK[f.severity]) : MARK[f.severity];
    lines.push(`${mark} ${f.title}`);
    const detailed = f.severity !== 'info' || options.verbose;
    if (detailed) lines.push(`      saw: ${f.evidence}`);
    if (detailed && f.explanation) lines.push(`      why: ${f.explanation}`);
    // Several findings often share one fix (a re-registration): print it once.
    if (f.fix) lines.push(`      fix: ${f.fix === lastFix ? '(the same command as above)' : f.fix}`);
    if (f.fix) lastFix = f.fix;
  }
  lines.push('', summarize(findings));
  return `${lines.join('\n')}\n`;
}
