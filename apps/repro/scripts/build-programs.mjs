// Compiles the programs of programs/*.c for every architecture the scenarios run (src/arch.ts)
// into dist/programs/<arch>/ (static, so they run anywhere: the embedded emulator, a binfmt_misc
// handler, any image of the architecture). Without a cross compiler the build still succeeds and
// says what is missing; the library then compiles on first use, or reports the same at run time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The compiler of each architecture, as src/programs.ts chooses it.
const targets = [
  { arch: 'aarch64', debian: 'arm64' },
  { arch: 'riscv64', debian: 'riscv64' },
];
const sources = readdirSync(join(root, 'programs')).filter((f) => f.endsWith('.c'));
for (const { arch, debian } of targets) {
  const compiler = process.env[`ARM64KIT_${arch.toUpperCase()}_CC`] ?? `${arch}-linux-gnu-gcc`;
  const out = join(root, 'dist', 'programs', arch);
  mkdirSync(out, { recursive: true });
  for (const file of sources) {
    const name = file.slice(0, -2);
    const source = join(root, 'programs', file);
    try {
      execFileSync(compiler, ['-static', '-O2', '-Wall', '-o', join(out, name), source], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      process.stderr.write(
        `@arm64kit/repro: ${compiler} not found, ${arch} programs not built ` +
          `(apt-get install gcc-${arch}-linux-gnu libc6-dev-${debian}-cross)\n`,
      );
      break;
    }
    // The runtime uses this build only while it matches the shipped source.
    const digest = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
    writeFileSync(join(out, `${name}.sha256`), `${digest}\n`);
  }
}
