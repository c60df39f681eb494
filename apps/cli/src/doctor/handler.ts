import type { DoctorFacts, EntryFacts, InterpreterFacts } from './facts-types.js';
import { enableCommand, installCommand, reinstallCommand, uninstallCommand } from './fixes.js';
import {
  argvFor,
  equivalentToPreset,
  type HandlerView,
  isEnabled,
  kernelPick,
  type PresetView,
  parseEntryView,
  wouldMatch,
} from './handler-view.js';
import type { Finding } from './types.js';

/** What doctor worked out about the handlers of one architecture. */
export interface HandlerAnalysis {
  preset: PresetView;
  /** Every entry in scope, newest first, with its interpreter facts. */
  handlers: { view: HandlerView; interpreter?: InterpreterFacts }[];
  /** Entries whose status file doctor could not make sense of. */
  unreadable: { name: string; text: string; error: string }[];
  /** The handlers that match the architecture's programs, newest first. */
  archHandlers: HandlerView[];
  /** The one the kernel runs the architecture's programs with (newest enabled match), if any. */
  used: HandlerView | null;
  /** The handler whose flags and interpreter are judged: the used one, else the newest match. */
  focus: HandlerView | null;
  /** A static interpreter on this host that fixes can point at. */
  staticCandidate?: string;
}

/**
 * Two representative file headers of the architecture: the preset's magic with every masked-out
 * bit clear and with every masked-out bit set (for aarch64: an ET_EXEC and an ET_DYN program).
 */
export function sampleHeaders(preset: PresetView): Uint8Array[] {
  const size = Math.max(64, preset.offset + preset.magic.length);
  return [0x00, 0xff].map((fill) => {
    const header = new Uint8Array(size);
    preset.magic.forEach((byte, i) => {
      header[preset.offset + i] = (byte & preset.mask[i]) | (fill & ~preset.mask[i]);
    });
    return header;
  });
}

function isUsable(interp: InterpreterFacts | undefined): boolean {
  return !!interp?.exists && interp.executable && !!interp.elf && interp.elf.interpreter === null;
}

export function pickStaticCandidate(candidates: InterpreterFacts[] | undefined): string | undefined {
  return candidates?.find(isUsable)?.path;
}

export function analyzeHandlers(facts: DoctorFacts, preset: PresetView): HandlerAnalysis {
  const inScope = (e: EntryFacts) => !facts.namePrefix || e.name.startsWith(facts.namePrefix);
  const handlers: HandlerAnalysis['handlers'] = [];
  const unreadable: HandlerAnalysis['unreadable'] = [];
  for (const e of facts.binfmt.entries.filter(inScope)) {
    try {
      handlers.push({ view: parseEntryView(e.name, e.text), interpreter: e.interpreter });
    } catch (error) {
      unreadable.push({ name: e.name, text: e.text, error: (error as Error).message });
    }
  }
  const views = handlers.map((h) => h.view);
  const samples = sampleHeaders(preset).map((header) => ({
    path: `/usr/bin/${preset.arch}-program`,
    header,
  }));
  const archHandlers = views.filter((v) => samples.some((s) => wouldMatch(v, s)));
  const used = samples.map((s) => kernelPick(views, s)).find((v) => v !== null) ?? null;
  return {
    preset,
    handlers,
    unreadable,
    archHandlers,
    used,
    focus: used ?? archHandlers[0] ?? null,
    staticCandidate: pickStaticCandidate(facts.candidates),
  };
}

/** The interpreter a re-registration should use: the current one when it is usable. */
export function interpreterForFix(analysis: HandlerAnalysis, handler: HandlerView): string {
  const current = analysis.handlers.find((h) => h.view === handler)?.interpreter;
  if (isUsable(current)) return handler.interpreter;
  return analysis.staticCandidate ?? analysis.preset.interpreter;
}

/** How good a handler is, to choose which of several conflicting ones to keep. */
function score(analysis: HandlerAnalysis, v: HandlerView): number {
  const interp = analysis.handlers.find((h) => h.view === v)?.interpreter;
  return (
    (isEnabled(v) ? 16 : 0) +
    (isUsable(interp) ? 8 : 0) +
    (v.flags.fixBinary ? 4 : 0) +
    (v.flags.preserveArgv0 ? 2 : 0) +
    (v.flags.credentials ? 1 : 0)
  );
}

const FILE_EXISTS =
  'Flags cannot be changed in place, and registering a name that is already registered fails with ' +
  '"sh: write error: File exists": the old entry must go first (--replace does that).';

export function checkHandlers(facts: DoctorFacts, analysis: HandlerAnalysis): Finding[] {
  const { arch } = facts;
  const { preset, archHandlers, used, focus } = analysis;
  const scope = facts.namePrefix ? ` named ${facts.namePrefix}*` : '';
  const unreadable: Finding[] = analysis.unreadable.map((u) => ({
    id: 'handler.unreadable',
    severity: 'warning',
    title: `cannot read binfmt_misc entry ${u.name}: ${u.error}`,
    evidence: JSON.stringify(u.text.slice(0, 200)),
  }));
  if (!focus) {
    const name = facts.namePrefix ?? preset.name;
    return [
      ...unreadable,
      {
        id: 'handler.missing',
        severity: 'error',
        title: `no binfmt_misc handler${scope} for ${arch} programs`,
        evidence: `none of ${analysis.handlers.length} entries${scope} in ${facts.binfmt.dir} matches the ELF header of ${arch} programs`,
        explanation:
          `Running ${arch} programs fails with "exec format error" (in Docker: "exec /bin/sh: exec format ` +
          'error"). A hand-written register line the kernel rejects fails with "Invalid argument" (a ' +
          'malformed field, an unknown flag, or a magic that is too long); arm64kit builds a valid one. ' +
          'Without root here, a Docker engine can register it: arm64kit docker registrar, then ' +
          'arm64kit docker emulation setup --via image.',
        fix: installCommand({
          arch,
          name,
          interpreter: analysis.staticCandidate ?? preset.interpreter,
          dir: facts.binfmt.dir,
        }),
      },
    ];
  }
  const findings: Finding[] = [...unreadable];
  const flagsEvidence = (v: HandlerView) =>
    `${facts.binfmt.dir}/${v.name}: ${isEnabled(v) ? 'enabled' : 'disabled'}, ${v.flagsLine}`;
  if (!used) {
    findings.push({
      id: 'handler.disabled',
      severity: 'error',
      title: `the ${arch} handler ${focus.name} is disabled`,
      evidence: `${facts.binfmt.dir}/${focus.name}: disabled`,
      explanation: `The kernel skips disabled handlers: ${arch} programs fail with "exec format error".`,
      fix: enableCommand(focus.name, facts.binfmt.dir),
    });
  } else {
    const sameAsPreset = equivalentToPreset(used, preset);
    findings.push({
      id: 'handler.found',
      severity: 'info',
      title: `${arch} programs run through ${used.name} (${used.interpreter})${sameAsPreset ? '' : `, whose magic/mask differs from the ${preset.name} preset`}`,
      evidence: flagsEvidence(used),
    });
  }
  // Every enabled match but the newest is never used: the kernel stops at the first match.
  const enabledMatches = archHandlers.filter(isEnabled);
  if (enabledMatches.length > 1 && used) {
    const keep = enabledMatches.reduce(
      (best, v) => (score(analysis, v) > score(analysis, best) ? v : best),
      used,
    );
    const remove = enabledMatches.filter((v) => v !== keep);
    const shadowed = enabledMatches.filter((v) => v !== used).map((v) => v.name);
    findings.push({
      id: 'handler.conflict',
      severity: 'warning',
      title: `${enabledMatches.length} enabled handlers match ${arch} programs: the kernel uses ${used.name}, never ${shadowed.join(', ')}`,
      evidence: enabledMatches.map((v) => `${v.name} (${v.interpreter}, ${v.flagsLine})`).join('; '),
      explanation:
        'The kernel tries handlers newest first and takes the first enabled match, so changes to the other ' +
        `ones have no effect. Keep one: ${keep.name}.`,
      fix: remove.map((v) => uninstallCommand(v.name, facts.binfmt.dir)).join(' && '),
    });
  }
  findings.push(...checkFlags(facts, analysis, focus));
  return findings;
}

function checkFlags(facts: DoctorFacts, analysis: HandlerAnalysis, h: HandlerView): Finding[] {
  const findings: Finding[] = [];
  const evidence = `${facts.binfmt.dir}/${h.name}: ${h.flagsLine}`;
  const fix = reinstallCommand({
    arch: facts.arch,
    name: h.name,
    interpreter: interpreterForFix(analysis, h),
    dir: facts.binfmt.dir,
  });
  if (!h.flags.fixBinary) {
    findings.push({
      id: 'handler.no-fix-binary',
      severity: 'warning',
      title: `${h.name} lacks F (fix-binary): it fails inside containers and chroots that do not contain ${h.interpreter}`,
      evidence,
      explanation:
        `Without F the kernel opens ${h.interpreter} when each program starts, inside the container's or ` +
        'chroot\'s root, where it usually does not exist: "exec /bin/sh: no such file or directory" or ' +
        '"exec format error". With F it is opened once, on the host, at registration. ' +
        FILE_EXISTS,
      fix,
    });
  }
  if (!h.flags.preserveArgv0) {
    const example = argvFor(h, { path: '/usr/bin/ccache', argv: ['ccache', '-p'] });
    findings.push({
      id: 'handler.no-preserve-argv0',
      severity: 'warning',
      title: `${h.name} lacks P (preserve-argv0): programs see their full path as argv[0]`,
      evidence: `${evidence}; "ccache -p" found in /usr/bin starts ${JSON.stringify(example)}`,
      explanation:
        'The kernel replaces argv[0] with the path it ran, so programs that look at their own name break: ' +
        'ccache says "Recursive invocation (the name of the ccache binary must be "ccache")", busybox ' +
        'applets and login shells (-bash) misbehave, exec -a is lost. ' +
        FILE_EXISTS,
      fix,
    });
  }
  if (!h.flags.credentials) {
    findings.push({
      id: 'handler.no-credentials',
      severity: 'warning',
      title: `${h.name} lacks C (credentials): setuid programs such as sudo do not get their privileges`,
      evidence,
      explanation:
        'Without C the kernel computes credentials from the interpreter, not from the setuid program, so ' +
        'sudo in an emulated container says "sudo: effective uid is not 0, is /usr/bin/sudo on a file ' +
        "system with the 'nosuid' option set or an NFS file system without root privileges?\". " +
        FILE_EXISTS,
      fix,
    });
  }
  return findings;
}
