import { tsupPreset } from '@arm64kit/vitest-config/tsup';
import { defineConfig } from 'tsup';

export default defineConfig(tsupPreset());
