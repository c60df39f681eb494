#!/usr/bin/env node
// CommonJS (bin/package.json says so): `arm64kit run` starts without Node's ES module loader,
// oclif, Docker or the repro (src/lean-run); whatever the lean path leaves to oclif (--help, a
// usage error) reaches oclif below with the same words.
const { join } = require('node:path');

const argv = process.argv.slice(2);

async function main() {
  const ranLean =
    argv[0] === 'run' && (await require('../dist/lean-run/load.cjs').runLeanFromBin(argv.slice(1)));
  if (!ranLean) {
    const { execute } = await import('@oclif/core');
    const { separatePassThrough } = await import('../dist/lib/pass-through.js');
    // `arm64kit run PROGRAM --help` is PROGRAM's --help, not ours (see pass-through.ts). The CLI's
    // root is given as a directory: oclif looks for the nearest package.json from it.
    await execute({ dir: join(__dirname, '..'), args: separatePassThrough(argv) });
  }
}

main();
