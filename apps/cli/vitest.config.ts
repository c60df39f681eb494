import { vitestPreset } from '@arm64kit/vitest-config';

// oclif prints through console.log; @oclif/test's runCommand captures stdout only when vitest
// does not intercept the console.
export default vitestPreset({ disableConsoleIntercept: true });
