import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { hostJobIds, jobIdsOfStat } from '../src/linux/host-job-ids.js';

/** The group and session ids `ps` reports for a pid, as the kernel keeps them. */
function psJobIds(pid: number): { pgid: number; sid: number } {
  const [pgid, sid] = execFileSync('ps', ['-o', 'pgid=,sid=', '-p', String(pid)], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .map(Number);
  return { pgid, sid };
}

describe('the host process group and session the first guest process takes', () => {
  it('are the ones the kernel reports for this process', () => {
    expect(hostJobIds()).toEqual(psJobIds(process.pid));
  });

  it('read a command holding spaces and parentheses', () => {
    const stat = readFileSync('/proc/self/stat', 'latin1');
    const renamed = stat.replace(/\(.*\)/, '(a) b (c)');
    expect(jobIdsOfStat(renamed)).toEqual(hostJobIds());
  });

  const unshare = available(
    'a new pid namespace (root, util-linux unshare)',
    rootProblem() ?? commandProblem('unshare', 'util-linux'),
  );
  it.runIf(unshare)('are 0 in a pid namespace entered from outside, where getsid() says 0 too', () => {
    // The leaders of this group and session lie outside the new namespace: the kernel prints 0.
    const stat = execFileSync('unshare', ['--pid', '--fork', '--mount-proc', 'cat', '/proc/self/stat'], {
      encoding: 'latin1',
    });
    expect(jobIdsOfStat(stat)).toEqual({ pgid: 0, sid: 0 });
  });

  it('cannot tell from a line that is not a stat line', () => {
    expect(jobIdsOfStat('')).toBeNull();
    expect(jobIdsOfStat('12 (sh) S 1')).toBeNull();
  });
});
