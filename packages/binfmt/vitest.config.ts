import { vitestPreset } from '@arm64kit/vitest-config';

// Tests that write to the host's binfmt_misc run one file at a time.
export default vitestPreset({ fileParallelism: false });
