#!/usr/bin/env node
import { execute } from '@oclif/core';
import { separatePassThrough } from '../dist/lib/pass-through.js';

// `arm64kit run PROGRAM --help` is PROGRAM's --help, not ours (see pass-through.ts).
await execute({ dir: import.meta.url, args: separatePassThrough(process.argv.slice(2)) });
