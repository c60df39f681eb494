import { statSync } from 'node:fs';
import type { LinuxKernel } from '../kernel.js';
import { nodeAt, statNode } from './files.js';

/** The file systems the guest sees mounted: its root, and the kernel's own trees. */
const MOUNTS = [
  { point: '/', type: 'ext4', source: '/dev/root', options: 'rw,relatime' },
  { point: '/proc', type: 'proc', source: 'proc', options: 'rw,nosuid,nodev,noexec,relatime' },
  { point: '/sys', type: 'sysfs', source: 'sysfs', options: 'rw,nosuid,nodev,noexec,relatime' },
  { point: '/dev', type: 'devtmpfs', source: 'devtmpfs', options: 'rw,nosuid,relatime' },
] as const;

/** /proc/PID/mounts (and /etc/mtab, which links to it). */
export function mountsText(): string {
  return MOUNTS.map((m) => `${m.source} ${m.point} ${m.type} ${m.options} 0 0\n`).join('');
}

/**
 * /proc/PID/mountinfo: the same mounts with the device each one's files report, so that a
 * program that finds the mount of a path by its st_dev (df, findmnt, libmount) finds it.
 */
export function mountinfoText(k: LinuxKernel): string {
  const root = 21;
  return MOUNTS.map((m, i) => {
    const dev = deviceOf(k, m.point);
    const id = root + i;
    const parent = i === 0 ? 1 : root;
    return `${id} ${parent} ${major(dev)}:${minor(dev)} / ${m.point} ${m.options} - ${m.type} ${m.source} rw\n`;
  }).join('');
}

function deviceOf(k: LinuxKernel, point: string): bigint {
  const at = k.paths.locate(point);
  if ('synthetic' in at) return statNode(k, at.synthetic, nodeAt(k, at.synthetic)).dev;
  return statSync(at.host, { bigint: true, throwIfNoEntry: false })?.dev ?? 0n;
}

/** The kernel's dev_t encoding (new_encode_dev): major in bits 8-19 and 32+, minor in 0-7 and 20+. */
const major = (dev: bigint) => ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
const minor = (dev: bigint) => (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
