import { type BinfmtEntry, match, presetFor } from '@arm64kit/binfmt';

/**
 * ELF headers a program of the architecture starts with: an executable (ET_EXEC) and a
 * position-independent one (ET_DYN, what distributions build most programs as). A working
 * handler must take both.
 */
export function sampleHeaders(machine: string): Uint8Array[] {
  const executable = presetFor(machine).magic.slice();
  const bigEndian = executable[5] === 2;
  const dynamic = executable.slice();
  // e_type is the 16-bit field at offset 16: ET_EXEC = 2, ET_DYN = 3.
  dynamic[bigEndian ? 17 : 16] = 3;
  return [executable, dynamic];
}

/** The entry the kernel would hand the architecture's programs to, newest-first `entries`. */
export function handlerFor<E extends BinfmtEntry>(entries: readonly E[], machine: string): E | undefined {
  const [executable, dynamic] = sampleHeaders(machine);
  const forDynamic = match(entries, { path: '/usr/bin/probe', header: dynamic });
  return forDynamic ?? match(entries, { path: '/usr/bin/probe', header: executable });
}
