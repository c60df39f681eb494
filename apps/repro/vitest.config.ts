import { vitestPreset } from '@arm64kit/vitest-config';

// Test files run one at a time: the host and docker tests register aarch64 handlers in the
// host's one binfmt_misc, and two of them at once would each see the other's take precedence.
export default vitestPreset({ fileParallelism: false });
