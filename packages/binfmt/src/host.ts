import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, opendirSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { BinfmtEntry } from './entry.js';
import { RESERVED_NAMES } from './entry.js';
import { BinfmtError } from './errors.js';
import {
  type BinfmtChange,
  type BinfmtSnapshot,
  type BinfmtState,
  describeChange,
  installPlan,
  restorePlan,
  type SnapshotEntry,
} from './plan.js';
import { type BinfmtPreset, type PresetOptions, presetEntry } from './presets.js';
import { formatRegistration, parseRegistration } from './registration.js';
import { parseGlobalStatus, parseStatus } from './status.js';

export const DEFAULT_BINFMT_DIR = '/proc/sys/fs/binfmt_misc';

/** The control word written to an entry's file for each per-entry change. */
const CONTROL = { remove: '-1', enable: '1', disable: '0' } as const;

/** An entry as read from the host: parsed, and the exact text of its status file. */
export interface HostEntry {
  entry: BinfmtEntry;
  raw: string;
}

export interface InstallOptions extends PresetOptions {
  /** Replace an existing entry of the same name that differs; otherwise that is EEXIST. */
  replace?: boolean;
}

export interface InstallResult {
  entry: BinfmtEntry;
  /** False when an identical entry was already registered. */
  changed: boolean;
}

/**
 * Reads and changes binfmt_misc registrations in a directory (by default the host's
 * /proc/sys/fs/binfmt_misc). Every change names the entry it is about and touches no
 * other. Methods are async for callers' convenience; each is a few small procfs writes.
 */
export class BinfmtHost {
  readonly dir: string;

  constructor(dir: string = DEFAULT_BINFMT_DIR) {
    this.dir = dir;
  }

  /** True when binfmt_misc is mounted here (the `register` file exists). */
  async isMounted(): Promise<boolean> {
    return existsSync(`${this.dir}/register`);
  }

  /** Mounts binfmt_misc on the directory unless it already is (needs root). */
  async mount(): Promise<void> {
    if (await this.isMounted()) return;
    try {
      execFileSync('mount', ['-t', 'binfmt_misc', 'binfmt_misc', this.dir], { stdio: 'pipe' });
    } catch (cause) {
      const stderr = String((cause as { stderr?: unknown }).stderr ?? '').trim();
      throw new BinfmtError(
        'EMOUNT',
        `cannot mount binfmt_misc on ${this.dir}${stderr ? `: ${stderr}` : ''}`,
        {
          field: 'host',
          cause,
        },
      );
    }
  }

  /** The global switch (/proc/sys/fs/binfmt_misc/status). */
  async isEnabled(): Promise<boolean> {
    return parseGlobalStatus(this.readText('status'));
  }

  async setEnabled(enabled: boolean): Promise<void> {
    this.writeControl('status', enabled ? '1' : '0');
  }

  /**
   * Entry names in directory order. The kernel matches newest registration first and
   * does not show that list; the directory lists entries newest first too, except that
   * a name looked up before it was registered keeps the place of that first lookup.
   * BinfmtHost never looks a name up before registering it.
   */
  async names(): Promise<string[]> {
    return this.entryNames();
  }

  /** Every entry, in directory order (see names()), the order match() expects. */
  async list(): Promise<BinfmtEntry[]> {
    const entries: BinfmtEntry[] = [];
    for (const name of this.entryNames()) {
      const read = this.tryRead(name);
      if (read) entries.push(read.entry);
    }
    return entries;
  }

  /** One entry, parsed, with the text of its status file; ENOENT when it is not registered. */
  async read(name: string): Promise<HostEntry> {
    checkEntryName(name);
    const read = this.entryNames().includes(name) ? this.tryRead(name) : undefined;
    if (!read) throw notRegistered(name);
    return read;
  }

  async has(name: string): Promise<boolean> {
    checkEntryName(name);
    return this.entryNames().includes(name);
  }

  /**
   * Registers an entry or a register line. Refuses, before writing anything, what the
   * parser refuses, and a name that is already registered (EEXIST).
   */
  async register(entryOrLine: BinfmtEntry | string): Promise<BinfmtEntry> {
    const line = typeof entryOrLine === 'string' ? entryOrLine : formatRegistration(entryOrLine);
    const entry = parseRegistration(line);
    this.requireMounted();
    // No lookup of the name first: a lookup leaves a dentry that would put the new entry
    // at that dentry's place in the directory order. The kernel says EEXIST itself.
    this.writeFile('register', Buffer.from(line, 'utf8'), entry.name);
    const disabled = typeof entryOrLine !== 'string' && entryOrLine.enabled === false;
    if (disabled) this.writeControl(entry.name, '0');
    return { ...entry, enabled: !disabled };
  }

  async enable(name: string): Promise<void> {
    this.writeEntryControl(name, '1');
  }

  async disable(name: string): Promise<void> {
    this.writeEntryControl(name, '0');
  }

  /** Removes one entry (writes -1 to its file). */
  async remove(name: string): Promise<void> {
    this.writeEntryControl(name, '-1');
  }

  /**
   * Registers a QEMU preset (`qemu-<arch>` unless `name` is given). An identical entry
   * already there is left alone; a different one is EEXIST unless `replace` is set.
   */
  async install(preset: BinfmtPreset | string, options: InstallOptions = {}): Promise<InstallResult> {
    const entry = presetEntry(preset, options);
    formatRegistration(entry);
    this.requireMounted();
    const current = this.entryNames().includes(entry.name) ? this.readRaw(entry.name) : undefined;
    const changes = installPlan(current, entry, options);
    for (const change of changes) this.applyChange(change);
    return { entry: { ...entry, enabled: true }, changed: changes.length > 0 };
  }

  /** Removes a preset's entry (`qemu-<arch>`) or the named entry; every other entry stays. */
  async uninstall(nameOrArch: string): Promise<void> {
    const name =
      this.entryNames().includes(nameOrArch) || nameOrArch.startsWith('qemu-')
        ? nameOrArch
        : `qemu-${nameOrArch}`;
    await this.remove(name);
  }

  /**
   * Captures the status file of every entry (or only of `names`) byte for byte, and for
   * a full snapshot the global status, so restore() can put the host back.
   */
  async snapshot(options: { names?: string[] } = {}): Promise<BinfmtSnapshot> {
    return this.snapshotSync(options);
  }

  snapshotSync(options: { names?: string[] } = {}): BinfmtSnapshot {
    this.requireMounted();
    const scope = options.names ? [...options.names] : 'all';
    if (Array.isArray(scope)) for (const name of scope) checkEntryName(name);
    const entries: SnapshotEntry[] = [];
    for (const name of this.rawEntryNames()) {
      if (Array.isArray(scope) && !scope.includes(name)) continue;
      const status = this.readRaw(name);
      if (status !== undefined) entries.push({ name, status });
    }
    const snapshot: BinfmtSnapshot = { dir: this.dir, scope, entries };
    if (scope === 'all') snapshot.enabled = parseGlobalStatus(this.readText('status'));
    return snapshot;
  }

  /**
   * Puts the host back to a snapshot: entries in scope that were added are removed,
   * changed or removed ones are registered again from their captured status, enabled
   * states and (for a full snapshot) the global status are reset. Entries out of scope
   * are never touched. Unchanged entries keep their place; re-registered ones become
   * the newest. Tries everything, then throws ERESTORE listing what failed.
   */
  async restore(snapshot: BinfmtSnapshot): Promise<void> {
    this.restoreSync(snapshot);
  }

  /** restore() for exit and signal handlers, where nothing can be awaited. */
  restoreSync(snapshot: BinfmtSnapshot): void {
    checkSnapshot(snapshot);
    const failures: string[] = [];
    for (const change of restorePlan(this.stateSync(), snapshot)) {
      try {
        this.applyChange(change);
      } catch (error) {
        failures.push(`${describeChange(change)}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) {
      throw new BinfmtError('ERESTORE', `could not fully restore ${this.dir}: ${failures.join('; ')}`, {
        field: 'host',
      });
    }
  }

  /** Every entry's status file (newest first) and the global switch, byte for byte. */
  stateSync(): BinfmtState {
    const { enabled, entries } = this.snapshotSync();
    return { enabled: enabled ?? true, entries };
  }

  /** Carries out one planned change (see installPlan and restorePlan). */
  applyChange(change: BinfmtChange): void {
    this.requireMounted();
    switch (change.op) {
      case 'register':
        this.writeFile('register', Buffer.from(change.line, 'latin1'), change.name);
        return;
      case 'global':
        this.writeControl('status', change.enabled ? '1' : '0');
        return;
      default:
        this.writeRawControl(change.name, CONTROL[change.op]);
    }
  }

  // --- internals -------------------------------------------------------------------

  private requireMounted(): void {
    if (!existsSync(`${this.dir}/register`)) {
      throw new BinfmtError(
        'ENOTMOUNTED',
        `binfmt_misc is not mounted at ${this.dir} (mount -t binfmt_misc binfmt_misc ${this.dir})`,
        { field: 'host' },
      );
    }
  }

  private entryNames(): string[] {
    this.requireMounted();
    return directoryOrder(this.dir, 'utf8').filter((name) => !RESERVED_NAMES.includes(name));
  }

  /** Names as latin1 strings, one character per byte, for byte-exact snapshots. */
  private rawEntryNames(): string[] {
    return directoryOrder(this.dir, 'latin1').filter((name) => !RESERVED_NAMES.includes(name));
  }

  private rawPath(name: string): Buffer {
    return Buffer.concat([Buffer.from(`${this.dir}/`), Buffer.from(name, 'latin1')]);
  }

  private tryRead(name: string): HostEntry | undefined {
    let raw: string;
    try {
      raw = readFileSync(`${this.dir}/${name}`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsError(error, `read ${name}`, name);
    }
    return { entry: parseStatus(raw, name), raw };
  }

  private readRaw(name: string): string | undefined {
    try {
      return readFileSync(this.rawPath(name)).toString('latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fsError(error, `read ${name}`, name);
    }
  }

  private readText(file: string): string {
    this.requireMounted();
    try {
      return readFileSync(`${this.dir}/${file}`, 'utf8');
    } catch (error) {
      throw fsError(error, `read ${file}`);
    }
  }

  private writeEntryControl(name: string, command: string): void {
    checkEntryName(name);
    this.requireMounted();
    // Checked in the listing: a lookup of an absent name would leave a dentry (see names()).
    if (!this.entryNames().includes(name)) throw notRegistered(name);
    this.writeControl(name, command);
  }

  private writeControl(file: string, command: string): void {
    this.writeFile(file, Buffer.from(command), file);
  }

  private writeRawControl(name: string, command: string): void {
    this.writeFile(this.rawPath(name), Buffer.from(command), name);
  }

  /** One write() call: the kernel parses each write on its own. */
  private writeFile(file: string | Buffer, data: Buffer, subject: string): void {
    const path = typeof file === 'string' ? `${this.dir}/${file}` : file;
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      throw fsError(error, `open ${typeof file === 'string' ? file : subject}`, subject);
    }
    try {
      const written = writeSync(fd, data);
      if (written !== data.length)
        throw new BinfmtError('EIO', `short write to ${subject}`, { field: 'host' });
    } catch (error) {
      if (error instanceof BinfmtError) throw error;
      throw fsError(error, file === 'register' ? `register ${subject}` : `write ${subject}`, subject);
    } finally {
      closeSync(fd);
    }
  }
}

/** Entry names this class will touch: never `status`, `register`, `.`/`..` or anything with a slash. */
export function checkEntryName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name === '.' || name === '..' || /[/\0]/.test(name)) {
    throw new BinfmtError('EINVAL', `"${name}" is not a binfmt_misc entry name`, {
      field: 'name',
      rule: 'invalid',
    });
  }
  if (RESERVED_NAMES.includes(name)) {
    throw new BinfmtError('EINVAL', `"${name}" is binfmt_misc's own control file, not an entry`, {
      field: 'name',
      rule: 'reserved',
    });
  }
}

function checkSnapshot(snapshot: BinfmtSnapshot): void {
  const ok =
    snapshot &&
    typeof snapshot === 'object' &&
    Array.isArray(snapshot.entries) &&
    (snapshot.scope === 'all' ||
      (Array.isArray(snapshot.scope) && snapshot.scope.every((n) => typeof n === 'string'))) &&
    snapshot.entries.every((e) => e && typeof e.name === 'string' && typeof e.status === 'string');
  if (!ok) throw new BinfmtError('EINVAL', 'not a binfmt snapshot', { field: 'host', rule: 'snapshot' });
  for (const entry of snapshot.entries) checkEntryName(entry.name);
}

function notRegistered(name: string): BinfmtError {
  return new BinfmtError('ENOENT', `no binfmt_misc entry named "${name}"`, {
    field: 'name',
    rule: 'not-registered',
  });
}

function fsError(error: unknown, action: string, name?: string): BinfmtError {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const reason: Record<string, string> = {
    EACCES: 'permission denied (needs root)',
    EPERM: 'operation not permitted (needs root)',
    EEXIST: `an entry named "${name}" already exists`,
    ENOENT: name ? `not found (for an F entry: the interpreter must exist)` : 'not found',
    EINVAL: 'the kernel refused it (invalid argument)',
  };
  return new BinfmtError(
    code === 'EACCES' ? 'EPERM' : code,
    `cannot ${action}: ${reason[code] ?? (error as Error).message}`,
    {
      field: 'host',
      cause: error,
    },
  );
}

/** Names in the order the kernel lists them (fs.readdir sorts them; opendir does not). */
function directoryOrder(dir: string, encoding: 'utf8' | 'latin1'): string[] {
  const handle = opendirSync(dir, { encoding });
  const names: string[] = [];
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) names.push(entry.name);
  } finally {
    handle.closeSync();
  }
  return names;
}
