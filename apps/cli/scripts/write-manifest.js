#!/usr/bin/env node
// Writes oclif.manifest.json after a build, so `arm64kit` starts without importing every
// command module to learn their flags (oclif reads the manifest instead).
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '@oclif/core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'oclif.manifest.json');
// A stale manifest would hide new or changed commands from the load below.
rmSync(manifestPath, { force: true });
const config = await Config.load({ root });
const plugin = config.plugins.get(config.pjson.name);
if (!plugin || Object.keys(plugin.manifest.commands).length === 0) {
  throw new Error('no commands found in dist/commands: build first');
}
writeFileSync(manifestPath, `${JSON.stringify(plugin.manifest, null, 2)}\n`);
process.stderr.write(
  `wrote ${Object.keys(plugin.manifest.commands).length} commands to oclif.manifest.json\n`,
);
