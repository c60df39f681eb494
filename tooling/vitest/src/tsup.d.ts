import type { Options } from 'tsup';
export declare function tsupPreset(overrides?: Options): Options;
