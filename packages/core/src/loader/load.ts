import type { PagedMemory } from '../memory/paged-memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/types.js';
import { ElfError, type ElfImage, ET_DYN, PF_R, PF_W, PF_X, PT_LOAD, PT_PHDR } from './elf.js';

/** Where a position-independent main program is placed (a fixed choice keeps runs reproducible). */
export const PIE_BASE = 0x40000000;

export interface LoadedImage {
  /** Difference between run-time and link-time addresses (0 for ET_EXEC). */
  readonly bias: number;
  readonly entry: number;
  /** Run-time address of the program headers (AT_PHDR). */
  readonly phdr: number;
  /** First address after the highest segment (where brk starts for the main program). */
  readonly end: number;
}

const PAGE = 4096;
/** Largest address range one image may span (a sanity bound for hostile headers). */
const MAX_IMAGE_SPAN = 1024 * 1024 * 1024;
const pageDown = (x: number) => Math.floor(x / PAGE) * PAGE;
const pageUp = (x: number) => Math.ceil(x / PAGE) * PAGE;

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/**
 * Maps an image's PT_LOAD segments. ET_EXEC goes where it was linked; ET_DYN at `dynBase`, or,
 * when that is null, wherever the memory finds room (as the kernel does for the interpreter).
 */
export function loadImage(
  memory: PagedMemory,
  image: ElfImage,
  dynBase: number | null,
  name: string,
): LoadedImage {
  const loads = image.programHeaders.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  const low = pageDown(Math.min(...loads.map((p) => p.vaddr)));
  const high = pageUp(Math.max(...loads.map((p) => p.vaddr + p.memsz)));
  if (high - low > MAX_IMAGE_SPAN) {
    throw new ElfError(
      'ELF_BAD_SEGMENT',
      `${name} spans ${Math.round((high - low) / 2 ** 20)} MiB, more than the ${MAX_IMAGE_SPAN / 2 ** 20} MiB an image may occupy`,
    );
  }
  let bias = 0;
  if (image.type === ET_DYN) {
    if (dynBase === null) {
      const start = memory.map(0, high - low, 0, false);
      memory.unmap(start, high - low);
      bias = start - low;
    } else bias = dynBase - low;
  }
  if (bias + high > 2 ** 32)
    throw new ElfError('ELF_BAD_SEGMENT', `${name} does not fit in the guest address space`);
  if (bias + low < PAGE) throw new ElfError('ELF_BAD_SEGMENT', `${name} wants to be mapped at page zero`);

  // Pages shared by two segments get the union of their protections.
  const prots = new Map<number, number>();
  for (const ph of loads) {
    const start = pageDown(ph.vaddr + bias);
    const end = pageUp(ph.vaddr + bias + ph.memsz);
    for (let p = start; p < end; p += PAGE) {
      if (!prots.has(p)) memory.map(p, PAGE, PROT_READ | PROT_WRITE, true);
      prots.set(p, (prots.get(p) ?? 0) | protOf(ph.flags));
    }
    memory.poke(ph.vaddr + bias, image.bytes.subarray(ph.offset, ph.offset + ph.filesz));
  }
  for (const [page, prot] of prots) memory.protect(page, PAGE, prot);

  const phdrHeader = image.programHeaders.find((p) => p.type === PT_PHDR);
  let phdr: number;
  if (phdrHeader) phdr = phdrHeader.vaddr + bias;
  else {
    const holder = loads.find(
      (p) => image.phoff >= p.offset && image.phoff + image.phnum * 56 <= p.offset + p.filesz,
    );
    phdr = holder ? holder.vaddr + (image.phoff - holder.offset) + bias : 0;
  }
  return { bias, entry: image.entry + bias, phdr, end: high + bias };
}
