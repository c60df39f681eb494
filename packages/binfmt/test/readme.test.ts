import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { available } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe.runIf(
  available(
    'README example (runs the built package)',
    existsSync(join(packageDir, 'dist/index.js')) ? null : 'not built (pnpm build)',
  ),
)('README', () => {
  it('the first example runs and prints what its comments say', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    // Inside the package, `@arm64kit/binfmt` resolves to the package itself (its dist).
    const file = join(packageDir, `.readme-example-${process.pid}.mjs`);
    writeFileSync(file, example);
    try {
      const run = spawnSync(process.execPath, [file], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^:qemu-aarch64:M:0:\\x7fELF.*:\/usr\/bin\/qemu-aarch64-static:PF$/);
      expect(lines.slice(1)).toEqual([
        '["/usr/bin/qemu-aarch64-static","/usr/local/bin/ccache","ccache","-p"]',
        '["/usr/bin/qemu-aarch64-static","/usr/local/bin/ccache","ccache","ccache","-p"]',
        'qemu-aarch64',
        'EINVAL magic bad-escape 25',
      ]);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
