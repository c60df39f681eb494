/**
 * Core's mmap, munmap and mprotect, driven by the toy architecture, with the faults they cause
 * delivered as Linux delivers them: SIGSEGV with SEGV_MAPERR or SEGV_ACCERR and the address.
 */
import { describe, expect, it } from 'vitest';
import { SYS } from '../src/index.js';
import { E, MAP, PROT, SA, SEGV_ACCERR, SEGV_MAPERR, SIG, SIG_BLOCK } from './toy/linux.js';
import { label, reg, ToyProgram } from './toy/program.js';
import { runToy } from './toy/run.js';

const PAGE = 4096;
const [R7, R8, R9, R10] = [7, 8, 9, 10];
const SAVED_PC = 8 * 17; // the toy frame's saved pc, from the context pointer in r3

/**
 * A SIGSEGV handler (SA_SIGINFO) that records signo, si_code and si_addr in the slots
 * `handler signo`, `handler code`, `handler addr` and resumes after the faulting instruction.
 */
function segvHandler(p: ToyProgram): number {
  p.label('handler');
  p.record('handler signo', 1);
  p.emit('ldw', R7, 2, 8).record('handler code', R7); // si_code
  p.emit('ld', R7, 2, 16).record('handler addr', R7); // si_addr
  p.emit('ld', R7, 3, SAVED_PC).emit('addi', R7, R7, 4).emit('st', R7, 3, SAVED_PC);
  p.ret();
  return p.quads([label('handler'), SA.SIGINFO, 0]); // struct sigaction: handler, flags, mask
}

/** Copies what the handler recorded for the last fault into slots named after `fault`. */
function keepFault(p: ToyProgram, fault: string): void {
  for (const field of ['signo', 'code', 'addr']) {
    p.loadQuad(R7, p.slot(`handler ${field}`)).record(`${fault} ${field}`, R7);
    p.load(R8, 0).store(p.slot(`handler ${field}`), R8);
  }
}

describe('mmap, munmap, mprotect', () => {
  it('anonymous memory reads back what was written; after munmap an access is SIGSEGV/SEGV_MAPERR at the address; a write to a PROT_READ page is SEGV_ACCERR', () => {
    const p = new ToyProgram();
    p.jump('main');
    const act = segvHandler(p);
    p.label('main');
    p.sys(SYS.rt_sigaction, SIG.SEGV, act, 0, 8).record('sigaction');
    p.sys(SYS.mmap, 0, 2 * PAGE, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0).record('mmap');
    p.emit('mov', R9, 0).emit('addi', R10, R9, PAGE);
    p.load(R7, 0x1234_5678_9abc_def0n).emit('st', R7, R9, 8).emit('ld', R8, R9, 8).record('readback', R8);
    p.emit('ld', R8, R10, 0).record('fresh page', R8);

    p.sys(SYS.munmap, reg(R9), PAGE).record('munmap');
    p.emit('ld', R8, R9, 16); // faults: the handler skips it
    keepFault(p, 'unmapped');

    p.sys(SYS.mprotect, reg(R10), PAGE, PROT.READ).record('mprotect read');
    p.emit('st', R7, R10, 24); // faults
    keepFault(p, 'read-only');
    p.emit('ld', R8, R10, 24).record('read of read-only', R8);

    p.sys(SYS.mprotect, reg(R10), PAGE, PROT.NONE).record('mprotect none');
    p.emit('ld', R8, R10, 32); // faults
    keepFault(p, 'no access');
    p.sys(SYS.exit_group, 0);

    const r = runToy(p);
    expect(r.exitCode).toBe(0);
    expect(r.n('sigaction')).toBe(0);
    const base = r.result('mmap');
    expect(base % BigInt(PAGE)).toBe(0n);
    expect(r.result('readback')).toBe(0x1234_5678_9abc_def0n);
    expect(r.n('fresh page')).toBe(0); // anonymous pages are zero-filled
    expect(r.n('munmap')).toBe(0);
    expect([r.n('unmapped signo'), r.n('unmapped code'), r.result('unmapped addr')]).toEqual([
      SIG.SEGV,
      SEGV_MAPERR,
      base + 16n,
    ]);
    expect(r.n('mprotect read')).toBe(0);
    expect([r.n('read-only signo'), r.n('read-only code'), r.result('read-only addr')]).toEqual([
      SIG.SEGV,
      SEGV_ACCERR,
      base + BigInt(PAGE) + 24n,
    ]);
    expect(r.n('read of read-only')).toBe(0); // the refused write changed nothing
    expect(r.n('mprotect none')).toBe(0);
    expect([r.n('no access signo'), r.n('no access code'), r.result('no access addr')]).toEqual([
      SIG.SEGV,
      SEGV_ACCERR,
      base + BigInt(PAGE) + 32n,
    ]);
  });

  it('a PROT_NONE anonymous reservation holds no host memory until mprotect makes part of it usable, which reads as zero', () => {
    const reserved = 256 * 1024 * 1024;
    const program = (reserve: boolean): ToyProgram => {
      const p = new ToyProgram();
      for (let i = 0; i < 4; i++) {
        // Reserve and release, as Go's allocator does while it looks for its arenas.
        p.sys(SYS.mmap, 0, reserved, PROT.NONE, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0).emit('mov', R9, 0);
        p.sys(SYS.munmap, reg(R9), reserved);
      }
      const length = reserve ? reserved : 2 * PAGE;
      p.sys(SYS.mmap, 0, length, PROT.NONE, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0).emit('mov', R9, 0);
      p.sys(SYS.mprotect, reg(R9), 2 * PAGE, PROT.READ | PROT.WRITE).record('mprotect');
      p.emit('ld', R8, R9, PAGE).record('fresh page', R8);
      p.load(R7, 42).emit('st', R7, R9, 8).emit('ld', R8, R9, 8).record('readback', R8);
      p.sys(SYS.exit_group, 0);
      return p;
    };
    const r = runToy(program(true));
    expect(r.exitCode).toBe(0);
    expect(r.n('mprotect')).toBe(0);
    expect(r.n('fresh page')).toBe(0);
    expect(r.n('readback')).toBe(42);
    // As many host pages as the same program reserving only the two pages it uses.
    expect(r.memory.hostPagesInUse).toBe(runToy(program(false)).memory.hostPagesInUse);
  });

  it('argument errors: length 0, neither MAP_PRIVATE nor MAP_SHARED, unaligned munmap/mprotect are EINVAL; a file mapping of fd -1 is EBADF', () => {
    const p = new ToyProgram();
    p.sys(SYS.mmap, 0, 0, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0).record('length 0');
    p.sys(SYS.mmap, 0, PAGE, PROT.READ, MAP.ANONYMOUS, -1, 0).record('no type');
    p.sys(SYS.mmap, 0, PAGE, PROT.READ, MAP.PRIVATE, -1, 0).record('fd -1');
    p.sys(SYS.mmap, 0, PAGE, PROT.READ | PROT.WRITE, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0).emit('mov', R9, 0);
    p.emit('addi', R10, R9, 1);
    p.sys(SYS.munmap, reg(R10), PAGE).record('munmap unaligned');
    p.sys(SYS.mprotect, reg(R10), PAGE, PROT.READ).record('mprotect unaligned');
    p.sys(SYS.munmap, reg(R9), 0).record('munmap length 0');
    p.sys(SYS.exit_group, 0);
    const r = runToy(p);
    expect(r.n('length 0')).toBe(E.EINVAL);
    expect(r.n('no type')).toBe(E.EINVAL);
    expect(r.n('fd -1')).toBe(E.EBADF);
    expect(r.n('munmap unaligned')).toBe(E.EINVAL);
    expect(r.n('mprotect unaligned')).toBe(E.EINVAL);
    expect(r.n('munmap length 0')).toBe(E.EINVAL);
  });

  it('a fault with no handler ends the process with SIGSEGV (status 139); a blocked SIGSEGV is forced, not left pending', () => {
    for (const blocked of [false, true]) {
      const p = new ToyProgram();
      p.jump('main');
      const act = segvHandler(p);
      p.label('main');
      if (blocked) {
        p.sys(SYS.rt_sigaction, SIG.SEGV, act, 0, 8);
        p.sys(SYS.rt_sigprocmask, SIG_BLOCK, p.quads([1n << BigInt(SIG.SEGV - 1)]), 0, 8);
      }
      p.sys(SYS.mmap, 0, PAGE, PROT.READ, MAP.PRIVATE | MAP.ANONYMOUS, -1, 0).emit('mov', R9, 0);
      p.sys(SYS.munmap, reg(R9), PAGE);
      p.emit('ld', R8, R9, 0);
      p.sys(SYS.exit_group, 0);
      const r = runToy(p);
      expect(r.exitCode, `blocked: ${blocked}`).toBe(128 + SIG.SEGV);
      expect(r.signal).toBe('SIGSEGV');
      expect(r.report).toMatch(/fault address 0x[0-9a-f]+000 \(read\)/);
    }
  });
});
