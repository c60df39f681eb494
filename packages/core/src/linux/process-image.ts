import { randomBytes } from 'node:crypto';
import type { Architecture } from '../arch.js';
import type { Cpu } from '../cpu/cpu.js';
import type { ElfImage } from '../loader/elf.js';
import { type LoadedImage, loadImage, PIE_BASE } from '../loader/load.js';
import { AT, buildInitialStack } from '../loader/stack.js';
import type { PagedMemory } from '../memory/paged-memory.js';

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
}

/**
 * What the kernel's exec does once it is committed: maps the program and its interpreter into
 * (empty) guest memory, sets the break after the program, builds the initial stack with argv,
 * envp and the auxiliary vector, and sets every register for entry. Used for the first program
 * and for execve.
 */
export function startProcessImage(memory: PagedMemory, cpu: Cpu, arch: Architecture, p: ProcessImage): void {
  const main = loadImage(memory, p.image, PIE_BASE, p.name);
  memory.setBrkBase(Math.ceil(main.end / 4096) * 4096);
  let interp: LoadedImage | null = null;
  if (p.interpreter) interp = loadImage(memory, p.interpreter.image, null, p.interpreter.name);
  const stack = buildInitialStack(memory, {
    argv: p.argv,
    env: p.env,
    execfn: p.execfn,
    platform: arch.platform,
    random: randomBytes(16),
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
      [AT.UID, BigInt(process.getuid?.() ?? 0)],
      [AT.EUID, BigInt(process.geteuid?.() ?? 0)],
      [AT.GID, BigInt(process.getgid?.() ?? 0)],
      [AT.EGID, BigInt(process.getegid?.() ?? 0)],
      [AT.SECURE, 0n],
      [AT.HWCAP2, arch.hwcap2],
    ],
  });
  cpu.regs.fill(0n);
  const entry = BigInt(interp?.entry ?? main.entry);
  cpu.regs[arch.registers.pc] = entry;
  cpu.regs[arch.registers.sp] = BigInt(stack.sp);
  arch.startProcess?.(cpu, { entry, stackPointer: BigInt(stack.sp) });
}
