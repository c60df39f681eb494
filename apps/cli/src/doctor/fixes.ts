/**
 * The exact commands doctor prints as fixes. They use the `arm64kit binfmt` commands where one
 * exists, so a user can paste them as they are; paths and names are shell-quoted.
 */

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface InstallSpec {
  arch: string;
  name: string;
  interpreter: string;
}

/**
 * Registers the architecture's handler with every flag doctor recommends: P (argv[0] preserved),
 * F (interpreter opened now, so it works inside containers and chroots), C (setuid programs).
 */
export function installCommand(spec: InstallSpec): string {
  return [
    'arm64kit binfmt install',
    shellQuote(spec.arch),
    `--name ${shellQuote(spec.name)}`,
    `--interpreter ${shellQuote(spec.interpreter)}`,
    '--preserve-argv0 --persistent --credential',
  ].join(' ');
}

/** Flags of a registration cannot be changed in place: remove the entry and register it again. */
export function reinstallCommand(spec: InstallSpec): string {
  return `${uninstallCommand(spec.name)} && ${installCommand(spec)}`;
}

export function uninstallCommand(name: string): string {
  return `arm64kit binfmt uninstall ${shellQuote(name)}`;
}

export function enableCommand(name: string): string {
  return `arm64kit binfmt enable ${shellQuote(name)}`;
}
