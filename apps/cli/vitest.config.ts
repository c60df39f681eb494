import { vitestPreset } from '@arm64kit/vitest-config';

// oclif prints through console.log; @oclif/test's runCommand captures stdout only when vitest
// does not intercept the console. Test files run one at a time: they change the host's one
// binfmt_misc (and Docker engine), which parallel files would see half-changed.
export default vitestPreset({ disableConsoleIntercept: true, fileParallelism: false });
