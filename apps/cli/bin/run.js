#!/usr/bin/env node
// `arm64kit run` starts without oclif, Docker or the repro (src/lean-run); whatever the lean path
// leaves to oclif (--help, a usage error) reaches oclif below with the same words.
const argv = process.argv.slice(2);
const ranLean =
  argv[0] === 'run' && (await (await import('../dist/lean-run/load.js')).runLeanFromBin(argv.slice(1)));
if (!ranLean) {
  const { execute } = await import('@oclif/core');
  const { separatePassThrough } = await import('../dist/lib/pass-through.js');
  // `arm64kit run PROGRAM --help` is PROGRAM's --help, not ours (see pass-through.ts).
  await execute({ dir: import.meta.url, args: separatePassThrough(argv) });
}
