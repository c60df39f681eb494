import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const HELLO = `#include <stdio.h>
int main(int argc, char **argv) {
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\\n", i, argv[i]);
  return 0;
}
`;

/** Builds a small aarch64 program twice (dynamic PIE and static) with the cross compiler. */
export function buildAarch64(): { dir: string; dynamic: string; staticExe: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'arm64kit-doctor-elf-'));
  const source = join(dir, 'hello.c');
  writeFileSync(source, HELLO);
  const dynamic = join(dir, 'hello-dynamic');
  const staticExe = join(dir, 'hello-static');
  execFileSync('aarch64-linux-gnu-gcc', ['-O1', '-o', dynamic, source]);
  execFileSync('aarch64-linux-gnu-gcc', ['-O1', '-static', '-o', staticExe, source]);
  return { dir, dynamic, staticExe, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
