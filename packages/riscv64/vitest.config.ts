import { vitestPreset } from '@arm64kit/vitest-config';

export default vitestPreset();
