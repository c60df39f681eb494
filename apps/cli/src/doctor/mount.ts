import type { BinfmtFacts } from './facts-types.js';
import { enableGlobalCommand } from './fixes.js';
import type { Finding } from './types.js';

/** Is binfmt_misc mounted where doctor looks, and does the kernel use its handlers at all? */
export function checkMount(binfmt: BinfmtFacts, arch = 'aarch64'): Finding[] {
  const dir = binfmt.dir;
  if (!binfmt.mounted) {
    return [
      {
        id: 'binfmt.not-mounted',
        severity: 'error',
        title: `binfmt_misc is not mounted at ${dir}`,
        evidence: binfmt.mountLine ?? `no binfmt_misc line for ${dir} in /proc/mounts and no ${dir}/register`,
        explanation:
          `Without it the kernel knows no foreign-architecture handlers, so running ${arch} programs fails ` +
          'with "exec format error" (docker: "exec /bin/sh: exec format error").',
        fix: `mount -t binfmt_misc binfmt_misc ${dir}`,
      },
    ];
  }
  const findings: Finding[] = [
    {
      id: 'binfmt.mounted',
      severity: 'info',
      title: `binfmt_misc is mounted at ${dir}`,
      evidence: binfmt.mountLine ?? `${dir}/register exists`,
    },
  ];
  const status = binfmt.status?.trim();
  if (status === 'enabled') {
    findings.push({
      id: 'binfmt.enabled',
      severity: 'info',
      title: 'binfmt_misc is globally enabled',
      evidence: `${dir}/status: enabled`,
    });
  } else {
    findings.push({
      id: 'binfmt.disabled',
      severity: 'error',
      title: 'binfmt_misc is globally disabled: the kernel ignores every handler',
      evidence: status === undefined ? `${dir}/status cannot be read` : `${dir}/status: ${status}`,
      explanation:
        `Same as: echo 1 > ${dir}/status. ` +
        'Each handler may say "enabled", yet no foreign program runs: they fail with "exec format error" ' +
        'until the global switch is on again.',
      fix: enableGlobalCommand(dir),
    });
  }
  return findings;
}
