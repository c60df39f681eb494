import { describe, expect, it } from 'vitest';
import { parseCcacheVersion } from '../src/ccache-version.js';

describe('parseCcacheVersion', () => {
  it('reads ccache 3.7.7 (Ubuntu 20.04) as argv0-sensitive', () => {
    const v = parseCcacheVersion('ccache version 3.7.7\n\nCopyright (C) 2002-2007 Andrew Tridgell\n');
    expect(v).toMatchObject({ version: '3.7.7', major: 3, minor: 7, argv0Sensitive: true });
  });

  it('reads ccache 4.8 (Debian bookworm) as not argv0-sensitive', () => {
    const v = parseCcacheVersion(
      'ccache version 4.8+ds\nFeatures: file-storage http-storage redis-storage\n',
    );
    expect(v).toMatchObject({ version: '4.8+ds', major: 4, argv0Sensitive: false });
  });

  it('says null for output that is not ccache', () => {
    expect(parseCcacheVersion('sh: 1: ccache: not found\n')).toBeNull();
    expect(parseCcacheVersion('')).toBeNull();
  });
});
