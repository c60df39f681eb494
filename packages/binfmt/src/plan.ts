import type { BinfmtEntry } from './entry.js';
import { BinfmtError } from './errors.js';
import { formatRegistration, freeDelimiter, joinRegistration } from './registration.js';
import { formatStatus, parseStatus } from './status.js';

/**
 * Text as a byte string: its UTF-8 bytes, one character per byte (latin1) — the form in
 * which snapshots and plans hold names, lines and status files, so that any bytes survive.
 */
export function byteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** The text a byte string holds (byteString's inverse for valid UTF-8). */
export function textOfByteString(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** One entry's status file, byte for byte (one character per byte, latin1). */
export interface SnapshotEntry {
  name: string;
  status: string;
}

/**
 * What snapshot() captured. `scope` is `'all'` (every entry and the global status) or
 * the list of entry names it covers; names in scope but not in `entries` were absent.
 * Plain data: it can be written to a file as JSON and restored by another process.
 */
export interface BinfmtSnapshot {
  dir: string;
  scope: 'all' | string[];
  /** The global status; only for scope 'all'. */
  enabled?: boolean;
  /** Newest registration first, as the directory lists them. */
  entries: SnapshotEntry[];
}

/** What a binfmt_misc directory holds now: its entries newest first, and the global switch. */
export interface BinfmtState {
  enabled: boolean;
  entries: SnapshotEntry[];
}

/**
 * One write to binfmt_misc, as data, so that the same plan can be carried out on this
 * host or by a process elsewhere (a container on the engine's kernel). `line` and `name`
 * are latin1 strings, one character per byte, like SnapshotEntry.
 */
export type BinfmtChange =
  | { op: 'register'; name: string; line: string }
  | { op: 'remove'; name: string }
  | { op: 'enable'; name: string }
  | { op: 'disable'; name: string }
  | { op: 'global'; enabled: boolean };

/** What a change does, for messages: `register qemu-aarch64`, `global status 1`. */
export function describeChange(change: BinfmtChange): string {
  return change.op === 'global' ? `global status ${change.enabled ? 1 : 0}` : `${change.op} ${change.name}`;
}

/**
 * The changes that make `entry` the registered, enabled entry of its name, given the
 * status file of that name now (undefined when absent): none when it is already there,
 * enabling it when only its state differs, else (with `replace`) removing the old one
 * first. A different entry without `replace` is EEXIST.
 */
export function installPlan(
  current: string | undefined,
  entry: BinfmtEntry,
  options: { replace?: boolean } = {},
): BinfmtChange[] {
  const line = byteString(formatRegistration(entry));
  const name = byteString(entry.name);
  if (current === undefined) return [{ op: 'register', name, line }];
  const enabledNow = current.startsWith('enabled\n');
  const same = byteString(formatStatus({ ...entry, enabled: enabledNow }));
  if (current === same) {
    return enabledNow ? [] : [{ op: 'enable', name }];
  }
  if (!options.replace) {
    throw new BinfmtError(
      'EEXIST',
      `"${entry.name}" is already registered with different settings; uninstall it first or replace it`,
      { field: 'name', rule: 'exists' },
    );
  }
  return [
    { op: 'remove', name },
    { op: 'register', name, line },
  ];
}

/**
 * The changes that put a directory in `current` state back to `snapshot`: entries in
 * scope that were added are removed, changed or removed ones are registered again from
 * their captured status (oldest first, so they keep their relative order), enabled
 * states and, for a full snapshot, the global switch are reset. Entries out of scope
 * are never touched; unchanged ones keep their place.
 */
export function restorePlan(current: BinfmtState, snapshot: BinfmtSnapshot): BinfmtChange[] {
  const changes: BinfmtChange[] = [];
  const now = new Map(current.entries.map((e) => [e.name, e.status]));
  const wanted = new Map(snapshot.entries.map((e) => [e.name, e.status]));
  const inScope = (name: string) => snapshot.scope === 'all' || snapshot.scope.includes(name);
  for (const { name } of current.entries) {
    if (inScope(name) && !wanted.has(name)) changes.push({ op: 'remove', name });
  }
  for (const { name, status } of [...snapshot.entries].reverse()) {
    const present = now.get(name);
    if (present === status) continue;
    const wantEnabled = status.startsWith('enabled\n');
    if (present !== undefined && withoutState(present) === withoutState(status)) {
      changes.push({ op: wantEnabled ? 'enable' : 'disable', name });
      continue;
    }
    if (present !== undefined) changes.push({ op: 'remove', name });
    changes.push({ op: 'register', name, line: registrationFromStatus(name, status) });
    if (!wantEnabled) changes.push({ op: 'disable', name });
  }
  if (snapshot.scope === 'all' && snapshot.enabled !== undefined && snapshot.enabled !== current.enabled) {
    changes.push({ op: 'global', enabled: snapshot.enabled });
  }
  return changes;
}

/** The register line that recreates an entry from its status file (latin1, byte for byte). */
export function registrationFromStatus(name: string, status: string): string {
  const entry = parseStatus(status, name);
  const texts = [name, entry.interpreter, entry.type === 'extension' ? entry.extension : ''];
  const delimiter = freeDelimiter(texts);
  if (!delimiter) {
    throw new BinfmtError('EINVAL', `no free delimiter to register "${name}" again`, { field: 'delimiter' });
  }
  return joinRegistration(entry, delimiter);
}

/** The status file without its first line (enabled/disabled). */
function withoutState(status: string): string {
  return status.slice(status.indexOf('\n'));
}
