// Runs `arm64kit` commands with @oclif/test's runCommand in a process of its own: the test
// sends an argument list over the IPC channel and gets {stdout, stderr, exit} back. The
// test process cannot run them itself: vitest starts it with --conditions
// @arm64kit/source, under which the built commands would import TypeScript sources.
import { runCommand } from '@oclif/test';

const root = process.argv[2];
let queue = Promise.resolve();

async function runOne(args) {
  try {
    const result = await runCommand(args, { root }, { stripAnsi: true });
    const exit = result.error ? (result.error.oclif?.exit ?? 1) : 0;
    // oclif prints a parse error (bad flag value…) only outside runCommand; add it as a user would see it.
    let stderr = result.stderr;
    if (result.error && exit !== 0 && !stderr.includes(result.error.message.split('\n')[0])) {
      stderr += `${result.error.message}\n`;
    }
    process.send({ stdout: result.stdout, stderr, exit });
  } catch (error) {
    process.send({ stdout: '', stderr: `runner: ${error?.stack ?? error}`, exit: -2 });
  }
}

process.on('message', (args) => {
  queue = queue.then(() => runOne(args));
});
