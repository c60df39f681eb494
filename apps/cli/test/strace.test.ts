import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AARCH64_TARGET, buildProgram, type GuestTarget, RISCV64_TARGET } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(CLI_ROOT, 'bin/run.js');

const built = existsSync(join(CLI_ROOT, 'dist/commands/run.js')) ? null : 'the CLI is not built (pnpm build)';
const problemFor = (target: GuestTarget): string | null =>
  commandProblem(target.cc, `gcc-${target.name}-linux-gnu`) ??
  commandProblem(target.qemu, 'qemu-user-static') ??
  built;

/** One traced call: its name, the arguments as printed, and the result text. */
interface Call {
  name: string;
  args: string[];
  result: string;
}

/** Splits `name(a, b, "c, d", {e, f}) = r` at the top-level commas (not in strings, structs, sets). */
function parseCall(line: string, separator: string): Call | null {
  const m = /^([a-z_0-9]+)\((.*)\)\s*= (.*)$/.exec(line);
  if (!m) return null;
  const args: string[] = [];
  let current = '';
  let quoted = false;
  let depth = 0;
  const body = m[2] as string;
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (quoted && c === '\\') {
      current += c + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '{' || c === '[')) depth++;
    if (!quoted && (c === '}' || c === ']')) depth--;
    if (!quoted && depth === 0 && body.startsWith(separator, i)) {
      args.push(current);
      current = '';
      i += separator.length - 1;
      continue;
    }
    current += c;
  }
  if (body !== '') args.push(current);
  return { name: m[1] as string, args, result: m[3] as string };
}

/** Addresses differ between emulators: both print them as ADDR (qemu pads them with zeros). */
const addressless = (s: string): string => s.replace(/0x[0-9a-f]+/g, 'ADDR');

// The flag values are the generic Linux ones both architectures share (but for the open flags
// aarch64 numbers its own way, and the layout of struct sigaction).
for (const target of [AARCH64_TARGET, RISCV64_TARGET]) {
  const title = `arm64kit run --strace of a ${target.name} program`;
  describe.runIf(available(title, problemFor(target)))(title, { timeout: 180_000 }, () => {
    let dir = '';
    let input = '';
    let missing = '';
    let program = '';
    let ours: { status: number | null; stdout: string; stderr: string };
    let lines: string[] = [];
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'arm64kit-strace-'));
      input = join(dir, 'hello.txt');
      writeFileSync(input, 'hello\n');
      missing = join(dir, 'missing');
      program = buildProgram('strace-calls', { target });
      ours = spawnSync(process.execPath, [BIN, 'run', '--strace', program, input, missing], {
        encoding: 'utf8',
      });
      lines = ours.stderr
        .split('\n')
        .filter((l) => l.startsWith('arm64kit strace: '))
        .map((l) => l.slice('arm64kit strace: '.length));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('prints calls as strace does: strings, named flags, decimal results, errno names', () => {
      expect(ours.status).toBe(0);
      expect(ours.stdout).toBe('hello\n');
      expect(lines).toContain(`openat(AT_FDCWD, "${input}", O_RDONLY|O_CLOEXEC) = 3`);
      expect(lines).toContain('read(3, "hello\\n", 4096) = 6');
      expect(lines).toContain('write(1, "hello\\n", 6) = 6');
      expect(lines).toContain('close(3) = 0');
      expect(lines).toContain(
        `faccessat2(AT_FDCWD, "${missing}", R_OK, 0) = -1 ENOENT (No such file or directory)`,
      );
      expect(
        lines.some((l) =>
          /^mmap\(NULL, 8192, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$/.test(
            l,
          ),
        ),
      ).toBe(true);
      expect(
        lines.some((l) =>
          /^rt_sigaction\(SIGINT, \{sa_handler=0x[0-9a-f]+, sa_mask=\[\], sa_flags=0\}, NULL, 8\) = 0$/.test(
            l,
          ),
        ),
      ).toBe(true);
      expect(lines.at(-1)).toBe('exit_group(0) = ?');
    });

    it('decodes the arguments qemu-aarch64-static -strace decodes to the same values', () => {
      const qemu = spawnSync(target.qemu, ['-strace', program, input, missing], { encoding: 'utf8' });
      expect(qemu.status).toBe(0);
      // qemu writes `PID name(a,b) = r`; the program's own output can interleave with a line.
      const theirs = qemu.stderr
        .split('\n')
        .map((l) => parseCall(l.replace(/^\d+ /, ''), ','))
        .filter((c): c is Call => c !== null);
      const mine = lines.map((l) => parseCall(l, ', ')).filter((c): c is Call => c !== null);
      const compared = ['openat', 'close', 'faccessat2', 'mmap', 'munmap', 'mprotect', 'rt_sigaction'];
      let checked = 0;
      for (const name of compared) {
        const a = theirs.filter((c) => c.name === name);
        const b = mine.filter((c) => c.name === name);
        expect(b.length, name).toBe(a.length);
        a.forEach((call, i) => {
          const other = b[i] as Call;
          // qemu leaves out rt_sigaction's sigsetsize and shows a struct by its address; what it
          // decodes must match ours.
          const ourArgs = other.args.slice(0, call.args.length).map((a) => (a.startsWith('{') ? 'ADDR' : a));
          expect(ourArgs.map(addressless), name).toEqual(call.args.map(addressless));
          const errno = /^-1 errno=(\d+) \((.*)\)$/.exec(call.result);
          if (errno) expect(other.result, name).toMatch(new RegExp(`^-1 E[A-Z0-9]+ \\(${errno[2]}\\)$`));
          else expect(addressless(other.result), name).toBe(addressless(call.result));
          checked++;
        });
      }
      expect(checked).toBeGreaterThanOrEqual(7);
    });
  });
}
