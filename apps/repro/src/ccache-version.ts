/**
 * Which ccache ran, and whether its behaviour depends on argv[0].
 *
 * ccache 3.x resolves the compiler through PATH and refuses to run when the path it found
 * is the same string as its own argv[0] ("Recursive invocation (the name of the ccache
 * binary must be "ccache")"). Natively argv[0] is the name as typed and never equals the
 * resolved path; under a binfmt_misc handler without P it is the resolved path, so
 * `ccache ccache -p` fails. ccache 4.0 (a rewrite) no longer compares against argv[0] this
 * way, so 4.x behaves the same with and without P. The verdict for a real ccache is always
 * taken from what it did under both handlers, never from this table alone.
 */
export interface CcacheVersion {
  /** The first line of `ccache --version`, as printed. */
  banner: string;
  version: string;
  major: number;
  minor: number;
  /** True when the version compares argv[0] with the compiler found in PATH (3.x). */
  argv0Sensitive: boolean;
}

const BANNER = /ccache version (\d+)\.(\d+)(?:\.(\d+))?\S*/;

/** Parses `ccache --version` output; null when it does not look like ccache at all. */
export function parseCcacheVersion(output: string): CcacheVersion | null {
  const line = output.split('\n').find((l) => BANNER.test(l));
  if (line === undefined) return null;
  const m = BANNER.exec(line) as RegExpExecArray;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return {
    banner: line.trim(),
    version: m[0].slice('ccache version '.length),
    major,
    minor,
    argv0Sensitive: major < 4,
  };
}
