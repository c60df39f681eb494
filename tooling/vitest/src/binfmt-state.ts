import { opendirSync, readFileSync } from 'node:fs';

/**
 * binfmt_misc as bytes: [name, contents] of every file but the write-only `register`, in
 * directory order (newest registration first, the order the kernel matches in), for the
 * names `include` accepts. Two equal states mean nothing was left changed, order included.
 */
export function binfmtState(
  include: (name: string) => boolean = () => true,
  dir = '/proc/sys/fs/binfmt_misc',
): [string, string][] {
  // opendir keeps the kernel's order (readdir sorts); names are read as bytes, one per character.
  const handle = opendirSync(dir, { encoding: 'latin1' });
  const state: [string, string][] = [];
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) {
      if (entry.name === 'register' || !include(entry.name)) continue;
      const path = Buffer.from(`${dir}/${entry.name}`, 'latin1');
      state.push([entry.name, readFileSync(path).toString('latin1')]);
    }
  } finally {
    handle.closeSync();
  }
  return state;
}

/**
 * For binfmtState: every name but the entries other arm64kit test suites register meanwhile
 * (`arm64kit-test-<what>-<pid>`, `arm64kit-fixtures-<pid>`…), which come and go on their own
 * schedule. Names starting with `ours` are kept.
 */
export function notOtherSuites(ours: string): (name: string) => boolean {
  return (name) => !name.startsWith('arm64kit-') || name.startsWith(ours);
}
