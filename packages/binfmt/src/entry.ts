/** The four registration flags, as the kernel stores them. */
export interface BinfmtFlags {
  /** `P`: keep the original argv[0] and pass the full path as an extra argument. */
  preserveArgv0: boolean;
  /** `O`: the kernel opens the binary and passes it to the interpreter as AT_EXECFD. */
  openBinary: boolean;
  /** `C`: compute credentials from the binary, not the interpreter. Always implies `openBinary`. */
  credentials: boolean;
  /** `F`: open the interpreter at registration time ("fix binary", survives mount namespaces). */
  fixBinary: boolean;
}

interface EntryBase {
  /** The entry's file name under the binfmt_misc directory. */
  name: string;
  interpreter: string;
  flags: BinfmtFlags;
  /** `false` when the entry is registered but disabled; absent means enabled. */
  enabled?: boolean;
}

/** An entry that recognizes files by bytes at an offset (`M`). */
export interface MagicEntry extends EntryBase {
  type: 'magic';
  /** Byte offset of the magic in the file (0 ≤ offset ≤ 256 − magic.length). */
  offset: number;
  /** The decoded magic bytes (1..256). */
  magic: Uint8Array;
  /** The decoded mask, same length as `magic`; absent means every bit must match. */
  mask?: Uint8Array;
}

/** An entry that recognizes files by the text after the last dot of the path (`E`). */
export interface ExtensionEntry extends EntryBase {
  type: 'extension';
  /** The extension without the dot, e.g. `jar`. */
  extension: string;
}

export type BinfmtEntry = MagicEntry | ExtensionEntry;

export const NO_FLAGS: Readonly<BinfmtFlags> = Object.freeze({
  preserveArgv0: false,
  openBinary: false,
  credentials: false,
  fixBinary: false,
});

/** Builds a flags object; `credentials` turns `openBinary` on, as the kernel does. */
export function makeFlags(flags: Partial<BinfmtFlags> = {}): BinfmtFlags {
  const credentials = flags.credentials ?? false;
  return {
    preserveArgv0: flags.preserveArgv0 ?? false,
    openBinary: (flags.openBinary ?? false) || credentials,
    credentials,
    fixBinary: flags.fixBinary ?? false,
  };
}

/** Flag letters in the kernel's order (P O C F), as its status files print them. */
export function flagLetters(flags: BinfmtFlags): string {
  let letters = '';
  if (flags.preserveArgv0) letters += 'P';
  if (flags.openBinary || flags.credentials) letters += 'O';
  if (flags.credentials) letters += 'C';
  if (flags.fixBinary) letters += 'F';
  return letters;
}

/** The size of the header the kernel reads from a file (BINPRM_BUF_SIZE). */
export const BINPRM_BUF_SIZE = 256;
/** The register file's length limits (create_entry). */
export const MIN_REGISTER_LENGTH = 11;
export const MAX_REGISTER_LENGTH = 1920;
/** Longest file name the binfmt_misc directory accepts (NAME_MAX). */
export const NAME_MAX = 255;
/** Names the binfmt_misc directory always holds, so a registration under them fails with EEXIST. */
export const RESERVED_NAMES: readonly string[] = ['status', 'register'];
