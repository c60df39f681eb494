import type { BigIntStats } from 'node:fs';
import type { OpenFile } from '../fd-table.js';

/**
 * Where following a link of the synthetic trees leads: a guest path the walk goes on at (as a
 * symlink's target), or a kernel object the link stands for itself (an open pipe, a program
 * outside the root), which can be opened and stat'ed but not walked through.
 */
export type LinkTarget =
  | { readonly path: string }
  | {
      readonly object: {
        /** A new open file description for it, opened with guest `flags`. */
        open(flags: number): OpenFile;
        stat(): BigIntStats;
        /** The host file it is, when execve may run it (/proc/PID/exe). */
        readonly program?: { readonly host: string | Buffer; readonly guest: string };
      };
    };

/**
 * A file of /proc, /sys or /dev as the kernel makes it up: nothing on the host's disk is behind
 * it. Directories list and look up their entries when asked, files make their text when opened
 * (as the kernel's seq_file does), and devices are the host's character devices, the same on
 * every Linux (/dev/null, /dev/zero…).
 */
export type SyntheticNode =
  | {
      readonly kind: 'dir';
      /** Permission bits; default 0555 (dr-xr-xr-x). */
      readonly mode?: number;
      entries(): readonly string[];
      child(name: string): SyntheticNode | null;
    }
  | { readonly kind: 'file'; content(): Uint8Array; readonly mode?: number }
  | { readonly kind: 'link'; target(): string; follow(): LinkTarget }
  | { readonly kind: 'device'; readonly host: string }
  | {
      /** A device the emulator is itself (/dev/ptmx, /dev/pts/N): opening it makes its description. */
      readonly kind: 'chardev';
      open(flags: number): OpenFile;
      stat(): BigIntStats;
    };

/** A directory with a fixed set of entries, each made when looked up. */
export function fixedDir(table: Readonly<Record<string, () => SyntheticNode>>): SyntheticNode {
  return {
    kind: 'dir',
    entries: () => Object.keys(table),
    child: (name) => (Object.hasOwn(table, name) ? table[name]() : null),
  };
}

/** A read-only text file, its text made when it is opened. */
export function textFile(text: () => string): SyntheticNode {
  return { kind: 'file', content: () => Buffer.from(text(), 'utf8') };
}

/** A file of bytes made when it is opened (argv, environment, auxv). */
export function bytesFile(bytes: () => Uint8Array): SyntheticNode {
  return { kind: 'file', content: bytes };
}

/** A symlink to a guest path: readlink shows it, the walk goes on there. */
export function pathLink(target: () => string): SyntheticNode {
  return { kind: 'link', target, follow: () => ({ path: target() }) };
}
