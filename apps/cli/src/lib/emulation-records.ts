import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EmulationRecord } from '@arm64kit/docker';

/**
 * Where `docker emulation setup` keeps what it changed, one JSON file per entry name, so
 * that `docker emulation restore` can undo it from a later process:
 * $ARM64KIT_STATE_DIR, else $XDG_STATE_HOME/arm64kit/emulation, else ~/.local/state/….
 */
export function recordsDir(): string {
  if (process.env.ARM64KIT_STATE_DIR) return process.env.ARM64KIT_STATE_DIR;
  const state = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'arm64kit', 'emulation');
}

function recordPath(name: string): string {
  // Entry names never contain '/', and '.'/'..' are not entry names.
  return join(recordsDir(), `${name}.json`);
}

export function readRecord(name: string): EmulationRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(name), 'utf8')) as EmulationRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw Object.assign(new Error(`cannot read ${recordPath(name)}: ${(error as Error).message}`), {
      code: 'BAD_RECORD',
      exitCode: 125,
    });
  }
}

export function recordedNames(): string[] {
  try {
    return readdirSync(recordsDir())
      .filter((file) => file.endsWith('.json'))
      .map((file) => file.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Writes the record unless one for the name exists: the oldest knows the original state. */
export function saveRecord(record: EmulationRecord): 'saved' | 'kept-older' {
  if (readRecord(record.name)) return 'kept-older';
  mkdirSync(recordsDir(), { recursive: true });
  writeFileSync(recordPath(record.name), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return 'saved';
}

export function forgetRecord(name: string): void {
  rmSync(recordPath(name), { force: true });
}
