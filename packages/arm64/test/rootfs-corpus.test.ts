import { execFile, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { IrBuilder } from '@arm64kit/core';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiftContext } from '../src/lift/context.js';
import { a64Table } from '../src/table.js';
import { unofferedExtension } from './support/extensions.js';
import { OBJDUMP } from './support/objdump.js';

/**
 * Every instruction real programs contain: each ELF file of Debian bookworm's arm64 root
 * filesystem (the one the Debian-programs tests run) and of the cross toolchain's libraries is
 * disassembled with objdump, and every distinct encoding is decoded and lifted. One that arm64kit
 * refuses (SIGILL) fails the test unless it belongs to an extension this CPU does not offer
 * (SVE, SME, MTE, pointer authentication, FHM...) or to a higher exception level.
 */
const run = promisify(execFile);
const AARCH64_LIBS = '/usr/aarch64-linux-gnu/lib';

/** Regular files starting with an ELF header for e_machine 183 (AArch64). */
function aarch64Elves(root: string): string[] {
  const found: string[] = [];
  const header = Buffer.alloc(20);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && lstatSync(path).size > 64) {
        const fd = openSync(path, 'r');
        try {
          if (readSync(fd, header, 0, 20, 0) === 20 && header.readUInt32BE(0) === 0x7f454c46) {
            if (header.readUInt16LE(18) === 183) found.push(path);
          }
        } finally {
          closeSync(fd);
        }
      }
    }
  };
  walk(root);
  return found;
}

/** Distinct instruction words of the files and objdump's text for each, two objdumps at a time. */
async function distinctEncodings(files: readonly string[]): Promise<Map<number, string>> {
  const words = new Map<number, string>();
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const { stdout } = await run(OBJDUMP, ['-d', file], { maxBuffer: 1 << 30, encoding: 'utf8' });
      for (const line of stdout.split('\n')) {
        const m = /^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s+(.*)$/.exec(line);
        if (m) {
          const w = Number.parseInt(m[1], 16);
          if (!words.has(w)) words.set(w, m[2].trim());
        }
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return words;
}

/** Encodings arm64kit refuses that are neither undefined for objdump nor an unoffered extension. */
function gaps(words: Map<number, string>): string[] {
  const table = a64Table();
  const out: string[] = [];
  for (const [word, text] of words) {
    const mnemonic = text.split(/\s+/)[0];
    if (mnemonic === '.inst' || mnemonic === 'udf') continue;
    const found = table.decode(word);
    const c = new LiftContext(new IrBuilder(0x1000n));
    c.insn = word;
    if (found && found.form.handler(found.fields, c) !== false) continue;
    if (unofferedExtension(text) !== undefined) continue;
    out.push(`${word.toString(16).padStart(8, '0')} ${text}`);
  }
  return out.sort();
}

const objdumpProblem = commandProblem(OBJDUMP, 'binutils-aarch64-linux-gnu');

describe.runIf(
  available('instructions of the cross toolchain libraries', objdumpProblem) &&
    available(
      'instructions of the cross toolchain libraries (libraries)',
      existsSync(AARCH64_LIBS) ? null : `${AARCH64_LIBS} missing (apt-get install libc6-dev-arm64-cross)`,
    ),
)('every instruction of the cross toolchain libraries', () => {
  it('lifts, apart from extensions this CPU does not offer', { timeout: 600_000 }, async () => {
    const files = aarch64Elves(AARCH64_LIBS);
    expect(files.length).toBeGreaterThan(10);
    expect(gaps(await distinctEncodings(files))).toEqual([]);
  });
});

const rootfsReady =
  available('instructions of the Debian root filesystem (root, to build it)', rootProblem()) &&
  available(
    'instructions of the Debian root filesystem (debootstrap)',
    commandProblem('debootstrap', 'debootstrap'),
  ) &&
  available('instructions of the Debian root filesystem (objdump)', objdumpProblem);

describe.runIf(rootfsReady)('every instruction of the Debian bookworm root filesystem', () => {
  let root: string;
  beforeAll(async () => {
    const { tarPath } = await ensureArm64Rootfs();
    root = mkdtempSync(join(tmpdir(), 'arm64kit-corpus-'));
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root, '--exclude=./dev/*'], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
  }, 1_800_000);
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('lifts, apart from extensions this CPU does not offer', { timeout: 1_200_000 }, async () => {
    const files = aarch64Elves(root);
    expect(files.length).toBeGreaterThan(100);
    expect(gaps(await distinctEncodings(files))).toEqual([]);
  });
});
