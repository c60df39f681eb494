import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Shared vitest preset. Workspace packages export their TypeScript sources under the
 * `@arm64kit/source` condition, so tests run against sources without a prior build.
 * @param {import('vitest/config').ViteUserConfig['test']} overrides
 * @returns {import('vitest/config').ViteUserConfig}
 */
export function vitestPreset(overrides = {}) {
  const conditions = ['@arm64kit/source', ...defaultServerConditions];
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: conditions } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 600_000,
      pool: 'forks',
      ...overrides,
    },
  });
}
