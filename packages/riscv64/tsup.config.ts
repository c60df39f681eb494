import { tsupPreset } from '@arm64kit/vitest-config/tsup';
import { defineConfig, type Options } from 'tsup';

// Typed here so the config's type names this package's own tsup, whichever copy the preset sees.
const options: Options = tsupPreset();

export default defineConfig(options);
