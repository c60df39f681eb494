/**
 * Commands that hand the words after their PROGRAM (or IMAGE) to someone else untouched,
 * with their own flags that take a value. oclif answers a `--help` anywhere before `--` with
 * the command's help, so the start-up script puts a `--` in front of the first word that is
 * not the command's own: `arm64kit run ./ls --help` then reaches ls, as under qemu.
 */
export const PASS_THROUGH_COMMANDS: readonly { words: readonly string[]; valueFlags: ReadonlySet<string> }[] =
  [
    {
      words: ['run'],
      valueFlags: new Set([
        '--argv0',
        '--sysroot',
        '--executor',
        '--cpu',
        '--arch',
        '--cwd',
        '--env',
        '--unset-env',
      ]),
    },
    {
      words: ['docker', 'run'],
      valueFlags: new Set([
        '--platform',
        '-e',
        '--env',
        '--entrypoint',
        '--network',
        '--timeout',
        '-w',
        '--workdir',
        '-u',
        '--user',
      ]),
    },
  ];

/**
 * Where a command's own flags end in `raw` (its words after the command's name): the index
 * of the first other word, or of a `--`, or raw.length.
 */
export function ownFlagsEnd(raw: readonly string[], valueFlags: ReadonlySet<string>): number {
  let i = 0;
  while (i < raw.length) {
    const word = raw[i];
    if (word === '--' || !word.startsWith('-') || word === '-') return i;
    if (valueFlags.has(word) && i + 1 < raw.length) i++;
    i++;
  }
  return i;
}

/** `argv` with a `--` before the passed-through words of a pass-through command. */
export function separatePassThrough(argv: readonly string[]): string[] {
  for (const { words, valueFlags } of PASS_THROUGH_COMMANDS) {
    if (!words.every((word, i) => argv[i] === word)) continue;
    const rest = argv.slice(words.length);
    const end = ownFlagsEnd(rest, valueFlags);
    if (end >= rest.length || rest[end] === '--') return [...argv];
    return [...words, ...rest.slice(0, end), '--', ...rest.slice(end)];
  }
  return [...argv];
}

/** The valueFlags of a pass-through command. */
export function valueFlagsOf(...words: string[]): ReadonlySet<string> {
  const command = PASS_THROUGH_COMMANDS.find(
    (c) => c.words.length === words.length && c.words.every((w, i) => w === words[i]),
  );
  if (!command) throw new Error(`${words.join(' ')} is not a pass-through command`);
  return command.valueFlags;
}
