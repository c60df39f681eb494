import { vitestPreset } from '@arm64kit/vitest-config';

// Test files run one after another: they register and remove binfmt_misc handlers on the
// one host kernel, and the preflight tests need to see exactly the handlers they set up.
export default vitestPreset({ fileParallelism: false });
