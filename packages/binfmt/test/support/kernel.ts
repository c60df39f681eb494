import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { BINFMT_DIR } from '@arm64kit/vitest-config/prerequisites';

export { BINFMT_DIR };

/** A name prefix no other process uses: arm64kit-test-<what>-<pid>. */
export function testPrefix(what: string): string {
  return `arm64kit-test-${what}-${process.pid}`;
}

/** Writes bytes to the kernel's register file in one write(); returns 'OK' or the errno name. */
export function kernelRegister(bytes: Uint8Array): string {
  const fd = openSync(`${BINFMT_DIR}/register`, 'w');
  try {
    writeSync(fd, bytes);
    return 'OK';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EIO';
  } finally {
    closeSync(fd);
  }
}

export function kernelStatus(name: string): string {
  return readFileSync(entryPath(name), 'utf8');
}

export function kernelRemove(name: string): void {
  const fd = openSync(entryPath(name), 'w');
  try {
    writeSync(fd, '-1');
  } finally {
    closeSync(fd);
  }
}

/** Removes every entry whose name starts with the prefix; returns how many there were. */
export function removeByPrefix(prefix: string): number {
  let removed = 0;
  for (const name of readdirSync(BINFMT_DIR)) {
    if (!name.startsWith(prefix)) continue;
    try {
      kernelRemove(name);
      removed++;
    } catch {}
  }
  return removed;
}

function entryPath(name: string): Buffer {
  return Buffer.concat([Buffer.from(`${BINFMT_DIR}/`), Buffer.from(name, 'utf8')]);
}
