// Runs the arm64kit CLI in this process (argv as bin/run.js takes it) and, at exit, writes the
// process's peak resident set size in KiB to descriptor 3, so a test can bound the memory a
// command used.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(3, `${process.resourceUsage().maxRSS}\n`));
await import('../bin/run.js');
