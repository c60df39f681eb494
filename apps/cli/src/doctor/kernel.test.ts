import { describe, expect, it } from 'vitest';
import { checkKernel, parseKernelRelease } from './kernel.js';

describe('kernel facts', () => {
  it('parses uname -r strings of common distributions', () => {
    expect(parseKernelRelease('6.1.0-18-amd64')).toEqual({ major: 6, minor: 1 });
    expect(parseKernelRelease('5.10.102.1-microsoft-standard-WSL2')).toEqual({ major: 5, minor: 10 });
    expect(parseKernelRelease('4.18.0-513.el8.x86_64')).toEqual({ major: 4, minor: 18 });
    expect(parseKernelRelease('garbage')).toBeNull();
  });

  it('before 5.12 the interpreter is not told about P: a warning', () => {
    const ids = checkKernel({ release: '5.11.22' }).map((f) => `${f.id}:${f.severity}`);
    expect(ids).toEqual(['kernel.no-preserve-argv0-auxv:warning', 'kernel.binfmt-global:info']);
  });

  it('before 5.12 without a P handler in use it is only information', () => {
    expect(checkKernel({ release: '5.4.0' }, { handlerHasP: false })[0].severity).toBe('info');
    expect(checkKernel({ release: '5.4.0' }, { handlerHasP: true })[0].severity).toBe('warning');
  });

  it('5.12 has AT_FLAGS_PRESERVE_ARGV0; 6.7 has binfmt_misc per user namespace', () => {
    expect(checkKernel({ release: '5.12.0' }).map((f) => f.id)).toEqual([
      'kernel.preserve-argv0-auxv',
      'kernel.binfmt-global',
    ]);
    expect(checkKernel({ release: '6.7.0' }).map((f) => f.id)).toEqual([
      'kernel.preserve-argv0-auxv',
      'kernel.binfmt-per-userns',
    ]);
    expect(checkKernel({ release: '6.6.30' }).map((f) => f.id)).toContain('kernel.binfmt-global');
  });

  it('quotes uname -r as evidence', () => {
    expect(checkKernel({ release: '6.8.0-45-generic' })[0].evidence).toBe('uname -r: 6.8.0-45-generic');
  });
});
