import type { ScenarioName } from '@arm64kit/repro';
import ReproCcache from './ccache.js';

/** `arm64kit repro argv`: a program that prints its argv, under handlers without and with P. */
export default class ReproArgv extends ReproCcache {
  static override summary =
    'Show the argv an aarch64 (or riscv64) program receives under a binfmt handler without P and with P';
  static override description = [
    'Runs a small program that prints argc and every argv entry, as ./a.out 1 2 3 and through a PATH lookup, under a binfmt_misc handler for its architecture (--arch: aarch64, or riscv64) registered without the P (preserve-argv[0]) flag and then with it, and prints the table Host | Image | argv: without P, a program found through PATH sees the full path instead of the name that was typed.',
    'Exit status: 0 when every argv was as predicted, 1 when one was not, 125 when the backend could not run.',
  ].join('\n\n');

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --backend host',
    '<%= config.bin %> <%= command.id %> --backend docker --json',
    '<%= config.bin %> <%= command.id %> --arch riscv64',
  ];

  // The same flags as repro ccache but --ccache (no ccache runs in this scenario); typed as the
  // parent's so the shared run() type-checks, where --ccache is then simply never set.
  static override flags = (({ ccache: _ccache, ...flags }) => flags)(
    ReproCcache.flags,
  ) as typeof ReproCcache.flags;

  protected override scenario: ScenarioName = 'argv';
}
