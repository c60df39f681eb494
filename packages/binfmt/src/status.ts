import { decodeText, toHex } from './bytes.js';
import { BINPRM_BUF_SIZE, type BinfmtEntry, type BinfmtFlags, flagLetters } from './entry.js';
import { BinfmtError } from './errors.js';

/** A status file is one page in the kernel; anything much longer is not one. */
const MAX_STATUS_LENGTH = 8192;

const MAGIC_TAIL =
  /^\nflags: (P?O?C?F?)\noffset ([0-9]+)\nmagic ((?:[0-9a-f]{2})+)\n(?:mask ((?:[0-9a-f]{2})+)\n)?$/;
const EXTENSION_TAIL = /^\nflags: (P?O?C?F?)\nextension \.([^/\0]+)\n$/;

/**
 * Writes the text the kernel shows in /proc/sys/fs/binfmt_misc/<name> for an entry
 * (entry_status() in fs/binfmt_misc.c), byte for byte.
 */
export function formatStatus(entry: BinfmtEntry): string {
  const head = `${entry.enabled === false ? 'disabled' : 'enabled'}\ninterpreter ${entry.interpreter}\nflags: ${flagLetters(entry.flags)}\n`;
  if (entry.type === 'extension') return `${head}extension .${entry.extension}\n`;
  const mask = entry.mask ? `\nmask ${toHex(entry.mask)}` : '';
  return `${head}offset ${entry.offset}\nmagic ${toHex(entry.magic)}${mask}\n`;
}

/**
 * Reads a status file back into an entry. The name is not in the file; pass the file's
 * name. An interpreter or extension may itself contain newlines; the parser takes the
 * shortest interpreter after which the rest of the file is a valid tail.
 */
export function parseStatus(text: string | Uint8Array, name = ''): BinfmtEntry {
  const source = typeof text === 'string' ? text : decodeText(text, 'status');
  if (source.length > MAX_STATUS_LENGTH) {
    fail(
      'too-long',
      `status text is ${source.length} characters; a binfmt_misc status file is at most one page`,
    );
  }
  let enabled: boolean;
  let rest: string;
  if (source.startsWith('enabled\n')) {
    enabled = true;
    rest = source.slice('enabled\n'.length);
  } else if (source.startsWith('disabled\n')) {
    enabled = false;
    rest = source.slice('disabled\n'.length);
  } else {
    return fail('state', 'status must start with "enabled" or "disabled" on its own line', 1);
  }
  if (!rest.startsWith('interpreter ')) fail('interpreter', 'second line must be "interpreter PATH"', 2);
  rest = rest.slice('interpreter '.length);

  for (let at = rest.indexOf('\nflags: '); at >= 0; at = rest.indexOf('\nflags: ', at + 1)) {
    const interpreter = rest.slice(0, at);
    if (interpreter.length === 0) break;
    const tail = rest.slice(at);
    const magic = MAGIC_TAIL.exec(tail);
    if (magic) {
      const magicBytes = fromHex(magic[3]);
      const maskBytes = magic[4] === undefined ? undefined : fromHex(magic[4]);
      const offset = Number(magic[2]);
      if (maskBytes && maskBytes.length !== magicBytes.length)
        fail('mask-length', 'mask and magic differ in length');
      if (magicBytes.length > BINPRM_BUF_SIZE || offset > BINPRM_BUF_SIZE - magicBytes.length) {
        fail(
          'beyond-header',
          `offset ${offset} + magic ${magicBytes.length} bytes passes the ${BINPRM_BUF_SIZE}-byte header`,
        );
      }
      return {
        name,
        type: 'magic',
        offset,
        magic: magicBytes,
        ...(maskBytes ? { mask: maskBytes } : {}),
        interpreter,
        flags: parseFlagLetters(magic[1]),
        enabled,
      };
    }
    const extension = EXTENSION_TAIL.exec(tail);
    if (extension) {
      return {
        name,
        type: 'extension',
        extension: extension[2],
        interpreter,
        flags: parseFlagLetters(extension[1]),
        enabled,
      };
    }
  }
  return fail(
    'tail',
    'expected "flags: [POCF]" then "offset N", "magic HEX" and an optional "mask HEX", or "extension .EXT"',
  );
}

/** The text of the global /proc/sys/fs/binfmt_misc/status file. */
export function parseGlobalStatus(text: string): boolean {
  if (text === 'enabled\n') return true;
  if (text === 'disabled\n') return false;
  return fail('state', 'global status must be "enabled" or "disabled"', 1);
}

function parseFlagLetters(letters: string): BinfmtFlags {
  const credentials = letters.includes('C');
  return {
    preserveArgv0: letters.includes('P'),
    openBinary: letters.includes('O') || credentials,
    credentials,
    fixBinary: letters.includes('F'),
  };
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function fail(rule: string, message: string, line?: number): never {
  throw new BinfmtError('EBADSTATUS', `invalid binfmt_misc status: ${message}`, {
    field: 'status',
    rule,
    line,
  });
}
