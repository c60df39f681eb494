import { spawnSync } from 'node:child_process';
import { presetRegistration } from '@arm64kit/binfmt';

/**
 * The reference for programs that fork and exec: qemu-aarch64-static in a chroot of the root
 * filesystem, reached through an aarch64 handler registered in a private binfmt_misc (a user
 * and mount namespace of its own, Linux 6.7 and later), so the host's binfmt_misc is untouched.
 * `qemu -L` alone cannot be the reference here: an exec from inside it runs the host's program
 * of that name. With `devpts`, the chroot gets a devpts of its own (a new instance, numbered
 * from 0 as the emulator numbers a run's pseudo-terminals) for programs that open ptys.
 */
export function chrootOracleCommand(
  root: string,
  argv: readonly string[],
  options: { devpts?: boolean } = {},
): string[] {
  const register = presetRegistration('aarch64', {
    name: 'arm64kit-oracle',
    interpreter: '/usr/bin/qemu-aarch64-static',
    preserveArgv0: true,
    persistent: true,
  });
  const script = [
    'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 125',
    'printf "%s" "$1" > /proc/sys/fs/binfmt_misc/register || exit 125',
    'root=$2; shift 2',
    ...(options.devpts
      ? [
          'mount -t devpts -o newinstance,ptmxmode=0666,mode=600 devpts "$root/dev/pts" || exit 125',
          'mount --bind "$root/dev/pts/ptmx" "$root/dev/ptmx" || exit 125',
        ]
      : []),
    'exec chroot "$root" "$@"',
  ].join('\n');
  return [
    'unshare',
    '--user',
    '--map-root-user',
    '--mount',
    '--fork',
    'sh',
    '-c',
    script,
    'sh',
    register,
    root,
    ...argv,
  ];
}

/** Why the chroot oracle cannot run here (null when it can): it needs a private binfmt_misc. */
export function chrootOracleProblem(): string | null {
  const probe = spawnSync(
    'unshare',
    [
      '--user',
      '--map-root-user',
      '--mount',
      'sh',
      '-c',
      'mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc',
    ],
    { encoding: 'utf8' },
  );
  if (probe.error) return `unshare is missing (${probe.error.message})`;
  if (probe.status !== 0) return `no binfmt_misc in a user namespace (Linux 6.7+): ${probe.stderr.trim()}`;
  return null;
}
