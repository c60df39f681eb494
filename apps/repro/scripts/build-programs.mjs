// Compiles the aarch64 programs of programs/*.c into dist/programs/ (static, so they run
// anywhere: the embedded emulator, a binfmt_misc handler, any arm64 image). Without the
// cross compiler the build still succeeds and says what is missing; the library then
// reports the same at run time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiler = process.env.ARM64KIT_AARCH64_CC ?? 'aarch64-linux-gnu-gcc';
const out = join(root, 'dist', 'programs');
mkdirSync(out, { recursive: true });
for (const file of readdirSync(join(root, 'programs')).filter((f) => f.endsWith('.c'))) {
  const name = file.slice(0, -2);
  const source = join(root, 'programs', file);
  try {
    execFileSync(compiler, ['-static', '-O2', '-Wall', '-o', join(out, name), source], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (error) {
    if (error.code === 'ENOENT') {
      process.stderr.write(
        `@arm64kit/repro: ${compiler} not found, aarch64 programs not built ` +
          '(apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross)\n',
      );
      process.exit(0);
    }
    throw error;
  }
  // The runtime uses this build only while it matches the shipped source.
  const digest = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
  writeFileSync(join(out, `${name}.sha256`), `${digest}\n`);
}
