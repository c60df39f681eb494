import { tsupPreset } from '@arm64kit/vitest-config/tsup';
import { defineConfig, type Options } from 'tsup';

// oclif discovers one file per command under dist/commands. Typed here so the config's type
// names this package's own tsup, whichever copy the preset sees.
const options: Options = tsupPreset({
  // pass-through.ts: bin/run.js reads it before oclif starts.
  entry: ['src/index.ts', 'src/commands/**/*.ts', 'src/lib/pass-through.ts'],
  dts: false,
  splitting: true,
});

export default defineConfig(options);
