import { parseRegistration } from '@arm64kit/binfmt';
import type { Backend, Progress } from './backends/backend.js';
import { type CcacheVersion, parseCcacheVersion } from './ccache-version.js';
import { observedArgv, outputHead } from './observe.js';
import { predict } from './prediction.js';
import {
  type CaseResult,
  type CcacheReport,
  fixCommands,
  type RegistrationReport,
  type ReproReport,
} from './report.js';
import { CCACHE_VERSION_CASE, HANDLERS, handlerLabel, type ScenarioName, scenarioCases } from './scenario.js';
import { judgePair } from './verdict.js';

export interface RunReproOptions {
  scenario: ScenarioName;
  backend: Backend;
  /** Progress messages (the CLI writes them to stderr); the library itself never prints. */
  onProgress?: Progress;
}

type Unjudged = Omit<CaseResult, 'verdict' | 'reason'>;

function assess(version: CcacheVersion | null, versionOutput: string, results: CaseResult[]): string {
  const runs = results.filter((r) => r.subject === 'ccache');
  const [withoutP, withP] = runs;
  const observed =
    withoutP === undefined || withP === undefined
      ? 'it did not run'
      : withoutP.verdict === 'not affected' && withP.verdict === 'not affected'
        ? `it gave the same result under both handlers (exit ${withoutP.exitCode}${withoutP.outputHead[0] ? `: ${withoutP.outputHead[0]}` : ''})`
        : `without P it was ${withoutP.verdict} (exit ${withoutP.exitCode}), with P ${withP.verdict} (exit ${withP.exitCode})`;
  if (version === null) {
    const said = outputHead(versionOutput, '', 1)[0] ?? 'nothing';
    return `its version is unknown (\`ccache --version\` said: ${said}); ${observed}`;
  }
  const sensitivity = version.argv0Sensitive
    ? `ccache ${version.version} is argv0-sensitive (3.x compares the compiler it finds in PATH with argv[0])`
    : `ccache ${version.version} is not argv0-sensitive (4.x judges the compiler it finds by name, not by comparing it with argv[0]), so it is not affected and the probe shows the mechanism`;
  return `${sensitivity}; ${observed}`;
}

/**
 * Runs a scenario on a backend: every case under a handler without P, then with P, each
 * predicted through @arm64kit/binfmt and judged. The backend is always cleaned up, also
 * when a step throws (ReproError: the backend could not run, exit 125).
 */
export async function runRepro(options: RunReproOptions): Promise<ReproReport> {
  const { scenario, backend } = options;
  const progress = options.onProgress ?? (() => {});
  try {
    const ccacheSource = await backend.prepare(progress);
    const withCcache = scenario === 'ccache' && ccacheSource.available;
    const cases = scenarioCases(scenario, { withCcache });
    const registrations: RegistrationReport[] = [];
    const runs: Unjudged[] = [];
    let version: CcacheVersion | null = null;
    let versionOutput = '';
    for (const handler of HANDLERS) {
      const label = handlerLabel(handler);
      progress(`${backend.target.arch} handler ${label}`);
      const registration = await backend.useHandler(handler, progress);
      registrations.push({ handler: label, ...registration });
      const entry = parseRegistration(registration.line);
      if (withCcache && versionOutput === '') {
        progress('asking ccache --version');
        const v = await backend.runCase(CCACHE_VERSION_CASE, progress);
        versionOutput = `${v.stdout}${v.stderr}` || `(exit ${v.exitCode}, no output)`;
        version = parseCcacheVersion(v.stdout + v.stderr);
      }
      for (const c of cases) {
        const layout = backend.layout(c);
        const prediction = predict(c, entry, layout, version);
        progress(`${label}: ${c.command.join(' ')}`);
        const observed = await backend.runCase(c, progress);
        runs.push({
          caseId: c.id,
          subject: c.subject,
          command: c.command,
          handler: label,
          preserveArgv0: handler.preserveArgv0,
          execPath: layout.execPath,
          interpreterArgv: prediction.interpreterArgv,
          predictedArgv: prediction.programArgv,
          observedArgv: observedArgv(c.subject, observed.stdout),
          predictedOutcome: prediction.outcome,
          exitCode: observed.exitCode,
          outputHead: outputHead(observed.stdout, observed.stderr),
        });
      }
    }
    const results: CaseResult[] = [];
    for (const c of cases) {
      const [w, p] = [false, true].map(
        (pv) => runs.find((r) => r.caseId === c.id && r.preserveArgv0 === pv) as Unjudged,
      );
      const [jw, jp] = judgePair(w, p);
      results.push({ ...w, ...jw }, { ...p, ...jp });
    }
    const asPredicted = results.every((r) => r.verdict !== 'unexpected');
    const info = backend.info();
    let ccache: CcacheReport | null = null;
    if (scenario === 'ccache') {
      ccache = {
        available: ccacheSource.available,
        origin: ccacheSource.origin,
        ...(ccacheSource.reason === undefined ? {} : { reason: ccacheSource.reason }),
        version,
        assessment: ccacheSource.available
          ? assess(version, versionOutput, results)
          : 'no ccache ran on this backend; the probe shows the mechanism',
      };
    }
    return {
      scenario,
      backend: backend.name,
      arch: backend.target.arch,
      ...info,
      registrations,
      ccache,
      results,
      asPredicted,
      exitCode: asPredicted ? 0 : 1,
      fix: fixCommands(backend.target.arch),
    };
  } finally {
    await backend.cleanup(progress);
  }
}
