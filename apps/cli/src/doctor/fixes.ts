/**
 * The exact commands doctor prints as fixes. They use the `arm64kit binfmt` commands where one
 * exists, so a user can paste them as they are; paths and names are shell-quoted.
 */

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where binfmt_misc normally is; fixes name another directory with --dir. */
const DEFAULT_DIR = '/proc/sys/fs/binfmt_misc';

function dirFlag(dir: string | undefined): string {
  return dir === undefined || dir === DEFAULT_DIR ? '' : ` --dir ${shellQuote(dir)}`;
}

export interface InstallSpec {
  arch: string;
  name: string;
  interpreter: string;
  /** The binfmt_misc directory doctor looked at. */
  dir?: string;
}

/**
 * Registers the architecture's handler with every flag doctor recommends: P (argv[0] preserved),
 * F (interpreter opened now, so it works inside containers and chroots), C (setuid programs).
 */
export function installCommand(spec: InstallSpec): string {
  return (
    [
      'arm64kit binfmt install',
      shellQuote(spec.arch),
      `--name ${shellQuote(spec.name)}`,
      `--interpreter ${shellQuote(spec.interpreter)}`,
      '--preserve-argv0 --persistent --credential',
    ].join(' ') + dirFlag(spec.dir)
  );
}

/**
 * The flags of a registration cannot be changed in place: --replace removes the entry and
 * registers it again (a plain re-registration fails with "File exists").
 */
export function reinstallCommand(spec: InstallSpec): string {
  return `${installCommand(spec)} --replace`;
}

export function uninstallCommand(name: string, dir?: string): string {
  return `arm64kit binfmt uninstall ${shellQuote(name)}${dirFlag(dir)}`;
}

export function enableCommand(name: string, dir?: string): string {
  return `arm64kit binfmt enable ${shellQuote(name)}${dirFlag(dir)}`;
}

export function enableGlobalCommand(dir?: string): string {
  return `arm64kit binfmt enable --global${dirFlag(dir)}`;
}
