import type { CaseResult, ReproReport } from './report.js';

/** A Markdown table with padded columns: readable in a terminal and pasteable into an issue. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function argvCell(r: CaseResult): string {
  // A real ccache does not print its argv: show the kernel's prediction, marked as such.
  return r.observedArgv !== null ? r.observedArgv.join(' ') : `${r.predictedArgv.join(' ')} (predicted)`;
}

function indent(text: string, by = '    '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');
}

/** The report as a person reads it: tables like the write-up's, then the handlers and the fix. */
export function renderReport(report: ReproReport): string {
  const out: string[] = [];
  out.push(`arm64kit repro ${report.scenario} — backend ${report.backend}`);
  out.push(
    `host ${report.host}, ${report.arch} programs, image ${report.image}, interpreter ${report.interpreter}`,
  );
  out.push('');
  if (report.ccache !== null) {
    const c = report.ccache;
    out.push(c.available ? `ccache: ${c.origin}` : `ccache: none (${c.reason ?? 'not available'})`);
    out.push(`  ${c.assessment}`);
    out.push('');
  }
  const caseIds = [...new Set(report.results.map((r) => r.caseId))];
  for (const id of caseIds) {
    const runs = report.results.filter((r) => r.caseId === id);
    const first = runs[0];
    out.push(`$ ${first.command.join(' ')}`);
    const rows = [
      [report.host, 'native build (reference)', 'none', first.command.join(' '), '', 'as typed'],
      ...runs.map((r) => [report.host, report.image, r.handler, argvCell(r), String(r.exitCode), r.verdict]),
    ];
    out.push(table(['Host', 'Image', 'Handler', 'argv', 'exit', 'verdict'], rows));
    for (const r of runs) {
      out.push(`  ${r.handler}: ${r.verdict} — ${r.reason}`);
      for (const l of r.outputHead) out.push(`      ${l}`);
    }
    out.push('');
  }
  out.push('Handlers used (status files as the kernel shows them):');
  for (const reg of report.registrations) {
    const where = reg.registeredInKernel
      ? ''
      : ' (not registered: the embedded backend applies the same rule)';
    out.push(`  ${reg.handler}: ${reg.line}${where}`);
    out.push(indent(reg.status));
  }
  out.push('');
  out.push(
    report.asPredicted
      ? 'Result: every step behaved as predicted.'
      : 'Result: something did not behave as predicted (see "unexpected" above).',
  );
  out.push('');
  out.push(`The fix: register the ${report.arch} handler with the P (preserve-argv[0]) flag, for example`);
  for (const f of report.fix) out.push(`  ${f}`);
  return `${out.join('\n')}\n`;
}
