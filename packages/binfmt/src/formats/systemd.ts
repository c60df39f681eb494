import type { BinfmtEntry } from '../entry.js';
import { BinfmtError } from '../errors.js';
import { formatRegistration, parseRegistration } from '../registration.js';

/**
 * Reads a systemd binfmt.d file (binfmt.d(5)): one register string per line; blank lines
 * and lines starting with `#` or `;` are skipped; like systemd-binfmt, surrounding
 * whitespace is stripped before the line is parsed. Errors carry the line number.
 */
export function parseSystemdBinfmt(text: string): BinfmtEntry[] {
  const entries: BinfmtEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    try {
      entries.push(parseRegistration(line));
    } catch (error) {
      if (!(error instanceof BinfmtError)) throw error;
      throw new BinfmtError(error.code, `line ${i + 1}: ${error.message}`, {
        field: error.field,
        rule: error.rule,
        column: error.column,
        line: i + 1,
        cause: error,
      });
    }
  }
  return entries;
}

/**
 * Writes entries as a binfmt.d file, one register string per line, after an optional
 * `#` comment. Refuses entries a line-based file cannot hold (a newline in a field).
 */
export function formatSystemdBinfmt(
  entries: readonly BinfmtEntry[],
  options: { comment?: string } = {},
): string {
  const comment = options.comment ? `${options.comment.replace(/^/gm, '# ')}\n` : '';
  const lines = entries.map((entry) => {
    for (const [field, text] of [
      ['name', entry.name],
      ['interpreter', entry.interpreter],
      ['extension', entry.type === 'extension' ? entry.extension : ''],
    ] as const) {
      if (/[\n\r]/.test(text)) {
        throw new BinfmtError(
          'EINVAL',
          `${field} of "${entry.name}" contains a line break; binfmt.d files are line based`,
          {
            field,
            rule: 'line-break',
          },
        );
      }
    }
    return formatRegistration(entry);
  });
  return `${comment}${lines.map((line) => `${line}\n`).join('')}`;
}
