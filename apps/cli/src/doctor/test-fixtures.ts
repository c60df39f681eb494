/**
 * Facts for unit tests, shaped exactly as the kernel and the file system show them (the status
 * file text is what binfmt_misc prints for an entry).
 */
import type { DoctorFacts, EntryFacts, InterpreterFacts } from './facts-types.js';

export const AARCH64_MAGIC = '7f454c460201010000000000000000000200b700';
export const AARCH64_MASK = 'ffffffffffffff00fffffffffffffffffeffffff';

export const STATIC_INTERP: Omit<InterpreterFacts, 'path'> = {
  exists: true,
  executable: true,
  elf: { elfClass: 64, endian: 'little', type: 3, machine: 62, interpreter: null },
};
export const DYNAMIC_INTERP: Omit<InterpreterFacts, 'path'> = {
  exists: true,
  executable: true,
  elf: { elfClass: 64, endian: 'little', type: 3, machine: 62, interpreter: '/lib64/ld-linux-x86-64.so.2' },
};
export const MISSING_INTERP: Omit<InterpreterFacts, 'path'> = { exists: false, executable: false };

export interface EntrySpec {
  name: string;
  enabled?: boolean;
  interpreter?: string;
  flags?: string;
  magic?: string;
  mask?: string | null;
  offset?: number;
  interp?: Omit<InterpreterFacts, 'path'>;
}

/** The status file text the kernel shows for an entry. */
export function statusText(spec: EntrySpec): string {
  const lines = [
    spec.enabled === false ? 'disabled' : 'enabled',
    `interpreter ${spec.interpreter ?? '/usr/bin/qemu-aarch64-static'}`,
    `flags: ${spec.flags ?? 'POCF'}`,
    `offset ${spec.offset ?? 0}`,
    `magic ${spec.magic ?? AARCH64_MAGIC}`,
  ];
  const mask = spec.mask === undefined ? AARCH64_MASK : spec.mask;
  if (mask !== null) lines.push(`mask ${mask}`);
  return `${lines.join('\n')}\n`;
}

export function entry(spec: EntrySpec): EntryFacts {
  const path = spec.interpreter ?? '/usr/bin/qemu-aarch64-static';
  return {
    name: spec.name,
    text: statusText(spec),
    interpreter: { path, ...(spec.interp ?? STATIC_INTERP) },
  };
}

/** A healthy host with the given entries (newest first); override any part. */
export function hostFacts(entries: EntryFacts[], overrides: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    arch: 'aarch64',
    binfmt: {
      dir: '/proc/sys/fs/binfmt_misc',
      mounted: true,
      mountLine: 'binfmt_misc /proc/sys/fs/binfmt_misc binfmt_misc rw,relatime 0 0',
      status: 'enabled\n',
      entries,
    },
    candidates: [{ path: '/usr/bin/qemu-aarch64-static', ...STATIC_INTERP }],
    kernel: { release: '6.8.0-45-generic' },
    ...overrides,
  };
}
