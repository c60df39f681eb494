import type { Architecture } from '../arch.js';
import type { Cpu } from '../cpu/cpu.js';
import { type ElfImage, parseElf } from '../loader/elf.js';
import { type ElfFile, shownPath } from '../loader/elf-file.js';
import { type LoadedImage, loadImage, PIE_BASE } from '../loader/load.js';
import { AT, buildInitialStack, STACK_SIZE, STACK_TOP } from '../loader/stack.js';
import type { PagedMemory } from '../memory/paged-memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/types.js';
import { fillRandom } from './host-random.js';
import { hostAtSecure } from './set-id.js';

/** A parsed program (and its PT_INTERP interpreter) and what its initial stack carries. */
export interface ProcessImage {
  readonly image: ElfImage;
  /** Name used in load errors. */
  readonly name: string;
  readonly interpreter: { readonly image: ElfImage; readonly name: string } | null;
  /** The argv the program sees, argv[0] included. */
  readonly argv: readonly string[];
  readonly env: readonly string[];
  /** AT_EXECFN: the path the program was executed by. */
  readonly execfn: string;
  readonly atFlags: number;
  /** The guest path /proc/PID/maps shows for the program. */
  readonly guestPath: string;
  /** AT_UID, AT_EUID, AT_GID, AT_EGID and AT_SECURE (default: the host process's). */
  readonly ids?: {
    readonly uid: number;
    readonly euid: number;
    readonly gid: number;
    readonly egid: number;
    readonly secure?: boolean;
  };
}

/** Where exec put what /proc/PID/cmdline, environ and auxv read. */
export interface ImageLayout {
  readonly argStart: number;
  readonly argEnd: number;
  readonly envEnd: number;
  readonly auxv: ReadonlyArray<readonly [number, bigint]>;
  /**
   * The page holding the architecture's signal-return trampoline, mapped with the image as the
   * kernel maps its vDSO, or null when the architecture has no signal frames. Mapping it at
   * exec, not on the first signal, keeps it out of addresses the program has freed since.
   */
  readonly trampoline: bigint | null;
}

/**
 * What the kernel's exec does once it is committed: maps the program and its interpreter into
 * (empty) guest memory, sets the break after the program, builds the initial stack with argv,
 * envp and the auxiliary vector, and sets every register for entry. Used for the first program
 * and for execve.
 */
export function startProcessImage(
  memory: PagedMemory,
  cpu: Cpu,
  arch: Architecture,
  p: ProcessImage,
): ImageLayout {
  const main = loadImage(memory, p.image, PIE_BASE, p.name);
  nameImage(memory, main, p.guestPath);
  memory.setBrkBase(Math.ceil(main.end / 4096) * 4096);
  let interp: LoadedImage | null = null;
  if (p.interpreter) {
    interp = loadImage(memory, p.interpreter.image, null, p.interpreter.name);
    nameImage(memory, interp, p.image.interpreter ?? p.interpreter.name);
  }
  const stack = buildInitialStack(memory, {
    argv: p.argv,
    env: p.env,
    execfn: p.execfn,
    platform: arch.platform,
    random: fillRandom(new Uint8Array(16)),
    alignment: arch.stackAlignment,
    auxv: [
      [AT.HWCAP, arch.hwcap],
      [AT.PAGESZ, BigInt(arch.pageSize)],
      [AT.CLKTCK, 100n],
      [AT.PHDR, BigInt(main.phdr)],
      [AT.PHENT, 56n],
      [AT.PHNUM, BigInt(p.image.phnum)],
      [AT.BASE, BigInt(interp?.bias ?? 0)],
      [AT.FLAGS, BigInt(p.atFlags)],
      [AT.ENTRY, BigInt(main.entry)],
      [AT.UID, BigInt(p.ids?.uid ?? process.getuid?.() ?? 0)],
      [AT.EUID, BigInt(p.ids?.euid ?? process.geteuid?.() ?? 0)],
      [AT.GID, BigInt(p.ids?.gid ?? process.getgid?.() ?? 0)],
      [AT.EGID, BigInt(p.ids?.egid ?? process.getegid?.() ?? 0)],
      [AT.SECURE, (p.ids?.secure ?? hostAtSecure()) ? 1n : 0n],
      [AT.HWCAP2, arch.hwcap2],
    ],
  });
  const trampoline = arch.signals ? mapTrampoline(memory, arch.signals.trampoline, arch.pageSize) : null;
  cpu.regs.fill(0n);
  const entry = BigInt(interp?.entry ?? main.entry);
  cpu.regs[arch.registers.pc] = entry;
  cpu.regs[arch.registers.sp] = BigInt(stack.sp);
  arch.startProcess?.(cpu, { entry, stackPointer: BigInt(stack.sp) });
  memory.names.set({ ...NO_FILE, start: STACK_TOP - STACK_SIZE, end: STACK_TOP, name: '[stack]' });
  return { ...stack, trampoline };
}

const NO_FILE = { offset: 0, device: [0, 0] as const, inode: 0n };

/** A read+execute page holding `code`, named [vdso] in /proc/PID/maps as the kernel's is. */
export function mapTrampoline(memory: PagedMemory, code: Uint8Array, pageSize: number): bigint {
  const at = memory.map(0, pageSize, PROT_READ | PROT_WRITE, false);
  memory.writeBytes(at, code);
  memory.protect(at, pageSize, PROT_READ | PROT_EXEC);
  memory.names.set({ ...NO_FILE, start: at, end: at + pageSize, name: '[vdso]' });
  return BigInt(at);
}

/** The image's pages are named after its file in /proc/PID/maps. */
function nameImage(memory: PagedMemory, image: LoadedImage, guestPath: string): void {
  memory.names.set({
    ...NO_FILE,
    start: image.start,
    end: Math.ceil(image.end / 4096) * 4096,
    name: guestPath,
  });
}

/** A program and its interpreter, parsed, with their files open until the image is loaded. */
export interface OpenedProgram {
  readonly image: ElfImage;
  readonly interpreter: { readonly image: ElfImage; readonly name: string } | null;
  /** Closes the files (after startProcessImage has mapped them, or when giving up). */
  close(): void;
}

/**
 * Opens and parses a program and the interpreter its PT_INTERP names, reading only headers (the
 * segments are read when they are mapped). `open` opens a host file and says how failures are
 * reported (the first program's errors, or execve's errno); `interpreterHost` maps the PT_INTERP
 * path (a guest path) to a host path.
 */
export function openProgram(
  host: string | Buffer,
  name: string,
  machine: number,
  open: (host: string | Buffer, name: string) => ElfFile,
  interpreterHost: (guest: string) => string | Buffer,
): OpenedProgram {
  const files: ElfFile[] = [];
  const close = () => {
    for (const file of files) file.close();
  };
  try {
    files.push(open(host, name));
    const image = parseElf(files[0], machine, name);
    let interpreter: OpenedProgram['interpreter'] = null;
    if (image.interpreter !== null) {
      const interpName = shownPath(image.interpreter);
      files.push(open(interpreterHost(image.interpreter), interpName));
      interpreter = { image: parseElf(files[1], machine, interpName), name: interpName };
    }
    return { image, interpreter, close };
  } catch (error) {
    close();
    throw error;
  }
}
