import { execFileSync } from 'node:child_process';
import { buildProgram, CROSS_CC, runUnderEmulator } from '@arm64kit/test-programs';
import { available, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { describe, expect, it } from 'vitest';
import { inProcess } from './support/in-process.js';

const prerequisites = commandProblem(CROSS_CC, 'gcc-aarch64-linux-gnu') ?? commandProblem('cc', 'gcc');

/**
 * qemu refuses NETLINK_ROUTE message types it cannot translate (sendto fails with EOPNOTSUPP),
 * where the kernel answers them with NLMSG_ERROR; so for those requests the oracle is the host's
 * own kernel, running the same C source built natively.
 */
describe.runIf(available('netlink answers against the host kernel', prerequisites))(
  'NETLINK_ROUTE answers as the kernel does',
  () => {
    it('unknown types, acknowledgements, NETLINK_CAP_ACK, batched requests, EBUSY', {
      timeout: 300_000,
    }, async () => {
      const native = buildProgram('netlink-kernel', { native: true });
      const expected = execFileSync(native, { encoding: 'utf8' });
      expect(expected).toContain('NLMSG_ERROR EOPNOTSUPP');
      const actual = await runUnderEmulator(buildProgram('netlink-kernel'), inProcess());
      expect(actual).toEqual({ stdout: expected, stderr: '', status: 0 });
    });
  },
);
