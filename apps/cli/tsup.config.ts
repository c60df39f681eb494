import { tsupPreset } from '@arm64kit/vitest-config/tsup';
import { defineConfig } from 'tsup';

// oclif discovers one file per command under dist/commands.
export default defineConfig(
  tsupPreset({ entry: ['src/index.ts', 'src/commands/**/*.ts'], dts: false, splitting: true }),
);
