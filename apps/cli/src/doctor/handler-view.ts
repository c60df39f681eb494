/**
 * The seam between doctor and @arm64kit/binfmt: every question about what a registration means
 * (parsing the status file, which handler the kernel picks, the argv an interpreter receives,
 * the architecture presets) goes through here, and here only to that package.
 */

export interface HandlerFlags {
  /** preserve-argv0 */
  P: boolean;
  /** open-binary */
  O: boolean;
  /** credentials */
  C: boolean;
  /** fix-binary: the interpreter is opened at registration */
  F: boolean;
}

/** A registered handler, as doctor reasons about it. */
export interface HandlerView {
  name: string;
  enabled: boolean;
  interpreter: string;
  flags: HandlerFlags;
  /** The status file line that shows the flags, quoted as evidence. */
  flagsLine: string;
  kind: 'magic' | 'extension';
  offset: number;
  magic?: Uint8Array;
  mask?: Uint8Array;
  extension?: string;
}

/** The preset registration of an architecture (what `arm64kit binfmt install ARCH` registers). */
export interface PresetView {
  arch: string;
  name: string;
  offset: number;
  magic: Uint8Array;
  mask: Uint8Array;
  /** The interpreter the preset names. */
  interpreter: string;
}

// Provisional: replaced by @arm64kit/binfmt's parseStatus once it lands.
export function interpreterPathOf(text: string): string | undefined {
  return /^interpreter (.*)$/m.exec(text)?.[1];
}

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

// Provisional: replaced by @arm64kit/binfmt's parseStatus once it lands.
export function parseEntryView(name: string, text: string): HandlerView {
  const lines = text.split('\n');
  const get = (key: string) => lines.find((l) => l.startsWith(key))?.slice(key.length);
  const flagsLine = lines.find((l) => l.startsWith('flags:')) ?? 'flags: ';
  const letters = flagsLine.slice('flags:'.length).trim();
  const magic = get('magic ');
  return {
    name,
    enabled: lines[0] === 'enabled',
    interpreter: get('interpreter ') ?? '',
    flags: {
      P: letters.includes('P'),
      O: letters.includes('O'),
      C: letters.includes('C'),
      F: letters.includes('F'),
    },
    flagsLine,
    kind: magic === undefined ? 'extension' : 'magic',
    offset: Number(get('offset ') ?? 0),
    magic: magic === undefined ? undefined : hex(magic),
    mask: get('mask ') === undefined ? undefined : hex(get('mask ')!),
    extension: get('extension .'),
  };
}

function matches(h: HandlerView, header: Uint8Array): boolean {
  if (h.kind !== 'magic' || !h.magic) return false;
  for (let i = 0; i < h.magic.length; i++) {
    const m = h.mask ? h.mask[i] : 0xff;
    if (((header[h.offset + i] ?? -1) & m) !== (h.magic[i] & m)) return false;
  }
  return h.offset + h.magic.length <= header.length;
}

// Provisional: replaced by @arm64kit/binfmt's match once it lands.
/** The handler the kernel uses for a file: the newest enabled one that matches (`handlers` newest first). */
export function kernelPick(
  handlers: HandlerView[],
  file: { path: string; header: Uint8Array },
): HandlerView | null {
  return handlers.find((h) => h.enabled && matches(h, file.header)) ?? null;
}

/** Whether a handler would match the file if it were enabled. */
export function wouldMatch(handler: HandlerView, file: { path: string; header: Uint8Array }): boolean {
  return kernelPick([{ ...handler, enabled: true }], file) !== null;
}

// Provisional: replaced by @arm64kit/binfmt's interpreterArgv once it lands.
export function argvFor(handler: HandlerView, run: { path: string; argv: string[] }): string[] {
  return handler.flags.P
    ? [handler.interpreter, run.path, ...run.argv]
    : [handler.interpreter, run.path, ...run.argv.slice(1)];
}

// Provisional: replaced by @arm64kit/binfmt's presetFor once it lands.
export function presetView(arch: string): PresetView {
  if (arch !== 'aarch64') throw Object.assign(new Error(`no preset for ${arch}`), { code: 'NO_PRESET' });
  return {
    arch,
    name: 'qemu-aarch64',
    offset: 0,
    magic: hex('7f454c460201010000000000000000000200b700'),
    mask: hex('ffffffffffffff00fffffffffffffffffeffffff'),
    interpreter: '/usr/bin/qemu-aarch64-static',
  };
}

/** Same offset, same mask, same masked magic: the handler matches exactly the preset's files. */
export function equivalentToPreset(h: HandlerView, preset: PresetView): boolean {
  if (h.kind !== 'magic' || !h.magic || h.offset !== preset.offset) return false;
  if (h.magic.length !== preset.magic.length) return false;
  for (let i = 0; i < preset.magic.length; i++) {
    const m = h.mask ? h.mask[i] : 0xff;
    if (m !== preset.mask[i] || (h.magic[i] & m) !== (preset.magic[i] & m)) return false;
  }
  return true;
}
