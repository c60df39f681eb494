import { describe, expect, it } from 'vitest';
import { mountedNosuid } from '../src/linux/set-id.js';

/** A mountinfo as the kernel writes it: a root, a nosuid /tmp, and a suid mount inside it. */
const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '40 27 0:30 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw',
  '41 40 0:31 / /tmp/with\\040space rw,relatime - tmpfs tmpfs rw',
  '42 27 0:32 / /mnt rw - tmpfs tmpfs rw',
  '43 27 0:33 / /mnt rw,nosuid - tmpfs tmpfs rw',
  '',
].join('\n');

describe('which mount holds a set-id program', () => {
  it('takes the deepest mount point above the path, and the last mounted there', () => {
    expect(mountedNosuid('/usr/bin/passwd', MOUNTINFO)).toBe(false);
    expect(mountedNosuid('/tmp/prog', MOUNTINFO)).toBe(true);
    expect(mountedNosuid('/tmpfoo/prog', MOUNTINFO)).toBe(false);
    expect(mountedNosuid('/tmp/with space/prog', MOUNTINFO)).toBe(false);
    expect(mountedNosuid('/mnt/prog', MOUNTINFO)).toBe(true);
  });
});
