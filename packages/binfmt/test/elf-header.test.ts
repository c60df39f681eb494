import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ElfFacts, ElfReadError, parseElfHeader, readElfHeader } from '../src/index.js';

/** `file -L` is the oracle for what an ELF file is: its facts, in ElfFacts' terms. */
function fileSays(path: string): Omit<ElfFacts, 'machine'> & { machine: string } {
  const said = execFileSync('file', ['-L', '-b', path], { encoding: 'utf8' });
  const m = /^ELF (32|64)-bit (LSB|MSB) (pie executable|executable|shared object), ([^,]+),/.exec(said);
  if (!m) throw new Error(`file(1) does not describe ${path} as an ELF program: ${said}`);
  return {
    elfClass: Number(m[1]) as 32 | 64,
    endian: m[2] === 'LSB' ? 'little' : 'big',
    // ET_DYN is a PIE or a shared object; ET_EXEC a fixed-address executable.
    type: m[3] === 'executable' ? 2 : 3,
    machine: m[4],
    interpreter: /, interpreter ([^,\s]+)/.exec(said)?.[1] ?? null,
  };
}

/** What file(1) calls the machines these files are built for. */
const FILE_MACHINE: Record<number, string> = { 62: 'x86-64', 183: 'ARM aarch64' };

function expectFileAgrees(path: string): void {
  const elf = readElfHeader(path);
  expect({ ...elf, machine: FILE_MACHINE[elf.machine] ?? `e_machine ${elf.machine}` }, path).toEqual(
    fileSays(path),
  );
}

const fileProblem = commandProblem('file', 'file');

/** A small aarch64 program built twice with the cross compiler: a dynamic PIE and a static one. */
function buildAarch64(): { dynamic: string; staticExe: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-elf-header-'));
  const source = join(dir, 'hello.c');
  writeFileSync(source, 'int main(void) { return 0; }\n');
  const dynamic = join(dir, 'hello-dynamic');
  const staticExe = join(dir, 'hello-static');
  execFileSync('aarch64-linux-gnu-gcc', ['-O1', '-o', dynamic, source]);
  execFileSync('aarch64-linux-gnu-gcc', ['-O1', '-static', '-o', staticExe, source]);
  return { dynamic, staticExe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

describe.runIf(available('ELF reader against file(1)', fileProblem))(
  'readElfHeader agrees with file(1)',
  () => {
    // Dynamic programs every Debian host with Node.js has.
    it.each(['/bin/true', '/usr/bin/env', process.execPath])('%s', (path) => {
      expectFileAgrees(path);
      expect(readElfHeader(path).interpreter).not.toBeNull();
    });

    it.runIf(
      available(
        'ELF reader on a static-pie program',
        commandProblem('qemu-aarch64-static', 'qemu-user-static'),
      ),
    )('/usr/bin/qemu-aarch64-static (static-pie)', () => {
      expectFileAgrees('/usr/bin/qemu-aarch64-static');
      expect(readElfHeader('/usr/bin/qemu-aarch64-static').interpreter).toBeNull();
    });
  },
);

describe.runIf(
  available(
    'ELF reader on aarch64 programs',
    fileProblem ?? commandProblem('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu'),
  ),
)('readElfHeader on aarch64 programs', () => {
  it('reads machine, type and loader of a dynamic and a static aarch64 program as file(1) does', async () => {
    const { dynamic, staticExe, cleanup } = buildAarch64();
    try {
      expect(readElfHeader(dynamic)).toEqual({
        elfClass: 64,
        endian: 'little',
        machine: 183,
        type: 3,
        interpreter: '/lib/ld-linux-aarch64.so.1',
      });
      expect(readElfHeader(staticExe)).toEqual({
        elfClass: 64,
        endian: 'little',
        machine: 183,
        type: 2,
        interpreter: null,
      });
      expectFileAgrees(dynamic);
      expectFileAgrees(staticExe);
    } finally {
      cleanup();
    }
  });
});

describe('parseElfHeader on hostile input', () => {
  it('throws ElfReadError (never anything else) on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseElfHeader(bytes);
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
          parseElfHeader(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ElfReadError);
        }
      }),
    );
  });

  it('says what is wrong with a non-ELF file', () => {
    expect(() => parseElfHeader(new TextEncoder().encode('#!/bin/sh\necho hi\n'))).toThrow(/not an ELF file/);
  });
});
