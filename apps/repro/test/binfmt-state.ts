import { binfmtState as binfmtFiles, notOtherSuites } from '@arm64kit/vitest-config/binfmt-state';

/** binfmt_misc as bytes, in the kernel's order; this package's entries are `arm64kit-repro-<pid>`. */
export function binfmtState(): [string, string][] {
  return binfmtFiles(notOtherSuites('arm64kit-repro-'));
}
