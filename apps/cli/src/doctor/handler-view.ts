/**
 * The seam between doctor and @arm64kit/binfmt: every question about what a registration means
 * (parsing the status file, which handler the kernel picks, the argv an interpreter receives,
 * the architecture presets) is answered by that package, through here.
 */
import {
  type BinfmtEntry,
  defaultInterpreter,
  interpreterArgv,
  match,
  parseStatus,
  presetFor,
} from '@arm64kit/binfmt';

/** A registered handler as the kernel shows it, with the status line that shows its flags. */
export type HandlerView = BinfmtEntry & {
  /** The `flags: ...` line of its status file, quoted as evidence. */
  flagsLine: string;
};

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

/** The `interpreter` line of a status file, without parsing the rest. */
export function interpreterPathOf(text: string): string | undefined {
  return /^interpreter (.*)$/m.exec(text)?.[1];
}

/** Parses a status file (throws the binfmt package's typed error on text the kernel never prints). */
export function parseEntryView(name: string, text: string): HandlerView {
  const entry = parseStatus(text, name);
  const line = text.split('\n').find((l) => l.startsWith('flags:')) ?? 'flags:';
  // The kernel prints "flags: " with nothing after it for an entry without flags.
  const flagsLine = line.trim() === 'flags:' ? 'flags: (none)' : line;
  return { ...entry, flagsLine };
}

export function isEnabled(h: BinfmtEntry): boolean {
  return h.enabled !== false;
}

/** The handler the kernel uses for a file (`handlers` newest first), or null. */
export function kernelPick(
  handlers: HandlerView[],
  file: { path: string; header: Uint8Array; enabled?: boolean },
): HandlerView | null {
  return match(handlers, file) ?? null;
}

/** Whether a handler would match the file if it were enabled. */
export function wouldMatch(handler: HandlerView, file: { path: string; header: Uint8Array }): boolean {
  return match([{ ...handler, enabled: true }], file) !== undefined;
}

/** The argv the handler's interpreter receives when the kernel runs `path` with `argv`. */
export function argvFor(handler: HandlerView, run: { path: string; argv: string[] }): string[] {
  return interpreterArgv(handler, run).argv;
}

export function presetView(arch: string): PresetView {
  const preset = presetFor(arch);
  return {
    arch: preset.arch,
    name: `qemu-${preset.arch}`,
    offset: 0,
    magic: preset.magic,
    mask: preset.mask,
    interpreter: defaultInterpreter(preset),
  };
}

/** Same offset, same mask, same masked magic: the handler matches exactly the preset's files. */
export function equivalentToPreset(h: BinfmtEntry, preset: PresetView): boolean {
  if (h.type !== 'magic' || h.offset !== preset.offset || h.magic.length !== preset.magic.length)
    return false;
  for (let i = 0; i < preset.magic.length; i++) {
    const m = h.mask ? h.mask[i] : 0xff;
    if (m !== preset.mask[i] || (h.magic[i] & m) !== (preset.magic[i] & m)) return false;
  }
  return true;
}
