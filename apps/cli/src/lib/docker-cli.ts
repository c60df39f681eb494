import { type BuildProgress, formatPlatform, parsePlatform } from '@arm64kit/docker';

/** Helpers shared by the `docker` commands (kept out of commands/, where oclif looks for commands). */

/** Parses repeated KEY=VALUE flags into an object; a flag without "=" is a usage error. */
export function keyValues(values: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    if (at <= 0) throw new UsageError(`${flag} takes KEY=VALUE, not "${value}"`);
    out[value.slice(0, at)] = value.slice(at + 1);
  }
  return out;
}

/** A mistake in how the command was called: exit 125, like docker. */
export class UsageError extends Error {
  readonly code = 'USAGE';
  readonly exitCode = 125;
}

/** One line of build progress for stderr, or undefined for events not worth a line. */
export function progressLine(event: BuildProgress): string | undefined {
  if (event.type === 'step')
    return `step ${event.step.number}/${event.step.total}: ${event.step.instruction}`;
  if (event.type === 'output') {
    if (/^Step \d+\/\d+ : /.test(event.line) || /^ ---> |^Removing intermediate container /.test(event.line))
      return undefined;
    return event.line === '' ? undefined : `  ${event.line}`;
  }
  return event.text;
}

/** Aborts when the user presses Ctrl-C or the process is asked to stop, so containers get removed. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose() {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    },
  };
}

/**
 * A --platform value as Docker names it (linux/aarch64 → linux/arm64, linux/riscv64): checked
 * before the engine is asked, so a platform Docker has no name for is one line (exit 125) and
 * nothing is sent.
 */
export function platformOf(value: string): string {
  return formatPlatform(parsePlatform(value));
}

/** The help text of --platform, the same on build, run and import. */
export function platformDescription(what: string, byDefault: string): string {
  return `${what}: linux/ARCH[/VARIANT], e.g. linux/arm64 or linux/riscv64 (ARCH in any spelling: aarch64, arm64…). Default: ${byDefault}`;
}
