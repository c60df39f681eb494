import { accessSync, constants } from 'node:fs';
import { machine } from 'node:os';
import { delimiter, join } from 'node:path';

/** The host's machine name as `uname -m` prints it (x86_64, aarch64...). */
export function hostMachine(): string {
  return machine();
}

/** The first executable called `name` in this process's PATH, or null. */
export function findExecutable(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return null;
}
