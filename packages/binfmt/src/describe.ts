import { toHex } from './bytes.js';
import { type BinfmtEntry, type BinfmtFlags, flagLetters } from './entry.js';
import { escapeBytes } from './escape.js';

/** An entry as plain JSON: bytes as lowercase hex, as the kernel's status files show them. */
export interface BinfmtEntryJson {
  name: string;
  type: 'magic' | 'extension';
  enabled: boolean;
  interpreter: string;
  flags: BinfmtFlags;
  /** The flag letters in the kernel's order (P O C F). */
  flagLetters: string;
  offset?: number;
  magic?: string;
  mask?: string | null;
  extension?: string;
}

export function entryToJson(entry: BinfmtEntry): BinfmtEntryJson {
  const base = {
    name: entry.name,
    type: entry.type,
    enabled: entry.enabled !== false,
    interpreter: entry.interpreter,
    flags: { ...entry.flags },
    flagLetters: flagLetters(entry.flags),
  };
  if (entry.type === 'extension') return { ...base, extension: entry.extension };
  return {
    ...base,
    offset: entry.offset,
    magic: toHex(entry.magic),
    mask: entry.mask ? toHex(entry.mask) : null,
  };
}

const FLAG_WORDS: Array<[keyof BinfmtFlags, string]> = [
  ['preserveArgv0', 'P preserve-argv0'],
  ['openBinary', 'O open-binary'],
  ['credentials', 'C credentials'],
  ['fixBinary', 'F fix-binary'],
];

/** Human-readable lines describing an entry (for a CLI or a log; nothing is printed here). */
export function describeEntry(entry: BinfmtEntry): string[] {
  const flags = FLAG_WORDS.filter(([key]) => entry.flags[key]).map(([, word]) => word);
  const lines = [
    `name         ${entry.name}`,
    `state        ${entry.enabled === false ? 'disabled' : 'enabled'}`,
    `interpreter  ${entry.interpreter}`,
    `flags        ${flags.length ? flags.join(', ') : 'none'}`,
  ];
  if (entry.type === 'extension') {
    lines.push(`extension    .${entry.extension}`);
  } else {
    lines.push(`offset       ${entry.offset}`);
    lines.push(`magic        ${escapeBytes(entry.magic, ':')} (${entry.magic.length} bytes)`);
    lines.push(
      `mask         ${entry.mask ? escapeBytes(entry.mask, ':', { all: true }) : 'none (every bit must match)'}`,
    );
  }
  return lines;
}
