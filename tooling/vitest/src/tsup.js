/**
 * Shared tsup preset: ESM for Node 20 with declarations.
 * @param {import('tsup').Options} overrides
 * @returns {import('tsup').Options}
 */
export function tsupPreset(overrides = {}) {
  return {
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    ...overrides,
  };
}
