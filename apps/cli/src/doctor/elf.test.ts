import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ElfReadError, parseElf, readElf } from './elf.js';

/** `file -L` is the oracle for what an ELF file is. */
function fileSays(path: string): string {
  return execFileSync('file', ['-L', path], { encoding: 'utf8' });
}

describe.runIf(available('ELF reader against file(1)', commandProblem('file', 'file')))(
  'readElf agrees with file(1)',
  () => {
    const candidates = ['/bin/true', '/usr/bin/qemu-aarch64-static', '/usr/bin/env', process.execPath].filter(
      existsSync,
    );

    it.each(candidates)('%s', (path) => {
      const elf = readElf(path);
      const said = fileSays(path);
      expect(said).toContain(`ELF ${elf.elfClass}-bit`);
      expect(said.includes('dynamically linked')).toBe(elf.interpreter !== null);
      if (elf.interpreter) expect(said).toContain(`interpreter ${elf.interpreter}`);
      if (elf.machine === 62) expect(said).toContain('x86-64');
    });
  },
);

describe.runIf(
  available(
    'ELF reader on aarch64 programs',
    commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu'),
  ),
)('readElf on aarch64 programs', () => {
  it('reads machine, type and loader of a dynamic and a static aarch64 program', async () => {
    const { buildAarch64 } = await import('../../test/doctor-helpers.js');
    const { dynamic, staticExe, cleanup } = buildAarch64();
    try {
      expect(readElf(dynamic)).toMatchObject({ elfClass: 64, endian: 'little', machine: 183, type: 3 });
      expect(readElf(dynamic).interpreter).toBe('/lib/ld-linux-aarch64.so.1');
      expect(readElf(staticExe)).toMatchObject({ machine: 183, type: 2, interpreter: null });
    } finally {
      cleanup();
    }
  });
});

describe('parseElf on hostile input', () => {
  it('throws ElfReadError (never anything else) on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseElf(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ElfReadError);
        }
      }),
    );
  });

  it('throws ElfReadError on mutated real headers', () => {
    const real = new Uint8Array(execFileSync('head', ['-c', '4096', '/bin/true']));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(4095), fc.nat(255)), { maxLength: 16 }), (edits) => {
        const bytes = real.slice();
        for (const [at, value] of edits) bytes[at] = value;
        try {
          parseElf(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ElfReadError);
        }
      }),
    );
  });

  it('says what is wrong with a non-ELF file', () => {
    expect(() => parseElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toThrow(/not an ELF file/);
  });
});
