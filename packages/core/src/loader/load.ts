import type { PagedMemory } from '../memory/paged-memory.js';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../memory/types.js';
import {
  ElfError,
  type ElfImage,
  ET_DYN,
  PF_R,
  PF_W,
  PF_X,
  type ProgramHeader,
  PT_LOAD,
  PT_PHDR,
} from './elf.js';

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
  /** The lowest address of the image (its first segment's page). */
  readonly start: number;
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
  if (bias + high > 2 ** 48)
    throw new ElfError('ELF_BAD_SEGMENT', `${name} does not fit in the guest address space`);
  if (bias + low < PAGE) throw new ElfError('ELF_BAD_SEGMENT', `${name} wants to be mapped at page zero`);

  mapSegments(memory, image, loads, bias, low, high);

  const phdrHeader = image.programHeaders.find((p) => p.type === PT_PHDR);
  let phdr: number;
  if (phdrHeader) phdr = phdrHeader.vaddr + bias;
  else {
    const holder = loads.find(
      (p) => image.phoff >= p.offset && image.phoff + image.phnum * 56 <= p.offset + p.filesz,
    );
    phdr = holder ? holder.vaddr + (image.phoff - holder.offset) + bias : 0;
  }
  return { bias, entry: image.entry + bias, phdr, end: high + bias, start: low + bias };
}

/** Bytes read from the file at a time while filling segments. */
const CHUNK = 1 << 20;

/**
 * Maps the segments as the kernel's successive MAP_FIXED mappings leave them: where segments
 * share a page, the later one wins (its protection and its file bytes). Each page is given to
 * its last segment first (painting from the last segment back, skipping pages already painted),
 * so overlapping segments cost the pages they span once, not once per segment. A page holds
 * the file's bytes from the segment's page-aligned offset up to p_filesz, zeros after.
 */
function mapSegments(
  memory: PagedMemory,
  image: ElfImage,
  loads: readonly ProgramHeader[],
  bias: number,
  low: number,
  high: number,
): void {
  const pages = (high - low) / PAGE;
  const owner = new Int32Array(pages).fill(-1);
  // next[i]: the first page ≥ i not painted yet (path-compressed), so each page is painted once.
  const next = new Int32Array(pages + 1).map((_, i) => i);
  const unpainted = (i: number): number => {
    let root = i;
    while (next[root] !== root) root = next[root];
    for (let at = i; next[at] !== root; ) {
      const up = next[at];
      next[at] = root;
      at = up;
    }
    return root;
  };
  for (let n = loads.length - 1; n >= 0; n--) {
    const ph = loads[n];
    const end = (pageUp(ph.vaddr + ph.memsz) - low) / PAGE;
    for (let i = unpainted((pageDown(ph.vaddr) - low) / PAGE); i < end; i = unpainted(i + 1)) {
      owner[i] = n;
      next[i] = i + 1;
    }
  }
  // One mapping per run of pages with the same segment: fill it, then set its protection.
  for (let i = 0; i < pages; ) {
    let j = i + 1;
    while (j < pages && owner[j] === owner[i]) j++;
    if (owner[i] >= 0) {
      const ph = loads[owner[i]];
      const from = low + i * PAGE;
      const to = low + j * PAGE;
      memory.map(from + bias, to - from, PROT_READ | PROT_WRITE, true);
      // The file bytes of this run: [page-aligned segment start, vaddr + filesz) ∩ [from, to).
      const fileStart = Math.max(from, pageDown(ph.vaddr));
      const fileEnd = Math.min(to, ph.vaddr + ph.filesz);
      for (let at = fileStart; at < fileEnd; at += CHUNK) {
        const length = Math.min(CHUNK, fileEnd - at);
        memory.poke(at + bias, image.source.read(ph.offset - (ph.vaddr - at), length));
      }
      memory.protect(from + bias, to - from, protOf(ph.flags));
    }
    i = j;
  }
}
