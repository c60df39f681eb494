import { readFileSync, writeFileSync } from 'node:fs';
import { tsupPreset } from '@arm64kit/vitest-config/tsup';
import { defineConfig, type Options } from 'tsup';

// oclif discovers one file per command under dist/commands. Typed here so the config's type
// names this package's own tsup, whichever copy the preset sees.
const commands: Options = tsupPreset({
  // pass-through.ts: bin/run.js reads it before oclif.
  entry: ['src/index.ts', 'src/commands/**/*.ts', 'src/lib/pass-through.ts'],
  dts: false,
  splitting: true,
  // Both configs build at once: this one's cleaning must not take the other's files with it.
  clean: ['!lean-run/bundle.cjs', '!lean-run/load.cjs'],
});

// `arm64kit run`'s lean path as one CommonJS file with the emulator packages inside: one module to
// resolve at start-up, and one script whose compiled code V8 can cache (lean-run/code-cache.ts);
// beside it its loader, CommonJS too, which bin/run.js requires (no ES module loader at start-up).
const leanRun: Options = tsupPreset({
  entry: { 'lean-run/bundle': 'src/lean-run/main.ts', 'lean-run/load': 'src/lean-run/load.ts' },
  format: ['cjs'],
  outExtension: () => ({ js: '.cjs' }),
  noExternal: [/^@arm64kit\//],
  dts: false,
  sourcemap: false,
  // The first config empties dist (all but this file); this one only adds its file.
  clean: false,
  esbuildOptions(options) {
    // import.meta is empty in CommonJS: a package that starts using it (a worker script next to
    // its module, say) must fail this build, not the lean run path at run time.
    options.logOverride = { ...options.logOverride, 'empty-import-meta': 'error' };
  },
  onSuccess: async () => asciiOnly('dist/lean-run/bundle.cjs'),
});

/**
 * Rewrites every non-ASCII character of a built file as a \u escape. One arrow or dash in a
 * comment makes Node decode the whole bundle as UTF-8 into a two-byte string at every start
 * (about 2 ms more than an ASCII file, which becomes a one-byte string). esbuild already escapes
 * them in strings, templates, regular expressions and names, where the escape means the same
 * character, so what is left is in comments, where the escape is just text.
 */
function asciiOnly(file: string): void {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

export default defineConfig([commands, leanRun]);
