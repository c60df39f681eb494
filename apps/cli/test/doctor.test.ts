import { available, binfmtProblem, commandProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorResult } from '../src/commands/doctor.js';
import { gatherFacts } from '../src/doctor/facts.js';
import { diagnose } from '../src/doctor/index.js';
import {
  type BinfmtBytes,
  doctor,
  expectHostUnchanged,
  globalStatus,
  inUnmountedNamespace,
  makeScratch,
  registerAarch64,
  removeEntries,
  runFix,
  type Scratch,
  setEntry,
  setGlobalStatus,
  snapshotBinfmt,
  TEST_PREFIX,
} from './doctor-host.js';

/**
 * Each broken setup is built for real in the kernel's binfmt_misc, with copies of the aarch64
 * preset under test names and scratch interpreters; doctor must name the problem, and running
 * the fix it printed must make the finding go away. Doctor is scoped with --name to this test's
 * entries, so handlers others register on the same host do not change the outcome.
 */
describe.runIf(available('arm64kit doctor against the kernel', binfmtProblem()))(
  'arm64kit doctor (real binfmt_misc)',
  () => {
    let scratch: Scratch;
    let before: BinfmtBytes;
    let counter = 0;
    let prefix = '';

    beforeAll(() => {
      before = snapshotBinfmt();
      scratch = makeScratch();
    });
    afterEach(() => removeEntries(prefix));
    afterAll(() => {
      scratch?.cleanup();
      expectHostUnchanged(before);
    });

    /** A fresh, unique name prefix for one scenario. */
    function nextPrefix(what: string): string {
      prefix = `${TEST_PREFIX}${process.pid}-${++counter}-${what}`;
      return prefix;
    }

    async function diagnoseScoped(name: string) {
      const { result, exit } = await doctor(['--name', name, '--no-docker']);
      return { findings: result.findings, exit };
    }

    /** Doctor names the problem; its fix, run as printed, makes it disappear. */
    async function expectFixed(name: string, id: string, severity: 'error' | 'warning') {
      const first = await diagnoseScoped(name);
      const finding = first.findings.find((f) => f.id === id);
      expect(
        finding,
        `doctor should report ${id}; got ${first.findings.map((f) => f.id).join(', ')}`,
      ).toBeDefined();
      expect(finding!.severity).toBe(severity);
      expect(first.exit).toBe(severity === 'error' ? 1 : 0);
      expect(finding!.evidence.length).toBeGreaterThan(0);
      expect(finding!.fix).toBeTruthy();
      await runFix(finding!.fix!, scratch.binDir);
      const after = await diagnoseScoped(name);
      expect(after.findings.map((f) => f.id)).not.toContain(id);
      return { finding: finding!, after };
    }

    it('missing handler: installs one', async () => {
      const name = nextPrefix('missing');
      const { finding, after } = await expectFixed(name, 'handler.missing', 'error');
      expect(finding.fix).toContain(`--name ${name}`);
      // The installed handler is the healthy one doctor recommends.
      const handlerProblems = after.findings.filter(
        (f) => f.severity !== 'info' && /^(handler|interpreter|binfmt)\./.test(f.id),
      );
      expect(handlerProblems).toEqual([]);
      expect(after.exit).toBe(0);
    });

    it('disabled handler: enables it', async () => {
      const name = nextPrefix('disabled');
      registerAarch64(name, scratch.staticInterp, 'POCF');
      setEntry(name, '0');
      const { finding } = await expectFixed(name, 'handler.disabled', 'error');
      expect(finding.evidence).toContain('disabled');
      expect(finding.fix).toBe(`arm64kit binfmt enable ${name}`);
    });

    it('missing interpreter: re-registers with one that exists', async () => {
      const name = nextPrefix('nointerp');
      // Without F the kernel accepts a path that does not exist, and fails only when it is used.
      registerAarch64(name, scratch.missingInterp, 'POC');
      const { finding } = await expectFixed(name, 'interpreter.missing', 'error');
      expect(finding.evidence).toContain(scratch.missingInterp);
    });

    it('dynamic interpreter: re-registers with a static one', async () => {
      const name = nextPrefix('dynamic');
      registerAarch64(name, scratch.dynamicInterp, 'POCF');
      const { finding } = await expectFixed(name, 'interpreter.dynamic', 'error');
      expect(finding.evidence).toMatch(/PT_INTERP \/lib64\/ld-linux-x86-64\.so\.2/);
    });

    it('no F: re-registers with F', async () => {
      const name = nextPrefix('nof');
      registerAarch64(name, scratch.staticInterp, 'PC');
      const { finding } = await expectFixed(name, 'handler.no-fix-binary', 'warning');
      expect(finding.evidence).toContain('flags: POC');
      // The fix keeps the interpreter that was fine.
      expect(finding.fix).toContain(`--interpreter ${scratch.staticInterp}`);
    });

    it('no P: re-registers with P', async () => {
      const name = nextPrefix('nop');
      registerAarch64(name, scratch.staticInterp, 'OCF');
      const { finding } = await expectFixed(name, 'handler.no-preserve-argv0', 'warning');
      expect(finding.evidence).toContain('flags: OCF');
      expect(finding.explanation).toContain('Recursive invocation');
    });

    it('no C: re-registers with C', async () => {
      const name = nextPrefix('noc');
      registerAarch64(name, scratch.staticInterp, 'PF');
      const { finding } = await expectFixed(name, 'handler.no-credentials', 'warning');
      expect(finding.evidence).toContain('flags: PF');
      expect(finding.explanation).toContain('effective uid is not 0');
    });

    it('two conflicting handlers: names the one the kernel uses (the newest) and removes the other', async () => {
      const name = nextPrefix('conflict');
      registerAarch64(`${name}-old`, scratch.staticInterp, 'POCF');
      registerAarch64(`${name}-new`, scratch.staticInterp, 'POCF');
      const { finding, after } = await expectFixed(name, 'handler.conflict', 'warning');
      expect(finding.title).toContain(`the kernel uses ${name}-new, never ${name}-old`);
      expect(after.findings.find((f) => f.id === 'handler.found')?.title).toContain(name);
    });

    it.runIf(available('doctor without binfmt_misc', commandProblem('unshare', 'util-linux')))(
      'binfmt_misc not mounted (in a private mount namespace): mounts it',
      async () => {
        const name = nextPrefix('unmounted');
        const report = (out: string) => JSON.parse(out) as DoctorResult;
        const first = report(
          await inUnmountedNamespace(
            `arm64kit doctor --name ${name} --no-docker --json || true`,
            scratch.binDir,
          ),
        );
        const finding = first.findings.find((f) => f.id === 'binfmt.not-mounted');
        expect(finding?.severity).toBe('error');
        expect(first.ok).toBe(false);
        expect(finding?.fix).toBe('mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc');
        const after = report(
          await inUnmountedNamespace(
            `${finding!.fix} >&2\narm64kit doctor --name ${name} --no-docker --json || true`,
            scratch.binDir,
          ),
        );
        expect(after.findings.map((f) => f.id)).not.toContain('binfmt.not-mounted');
        expect(after.findings.map((f) => f.id)).toContain('binfmt.mounted');
      },
    );

    it('binfmt_misc globally disabled: enables it again', async () => {
      const name = nextPrefix('global');
      registerAarch64(name, scratch.staticInterp, 'POCF');
      const original = globalStatus(before).trim() === 'enabled' ? '1' : '0';
      // The switch is global: every binfmt user on this host is affected while it is off, so this
      // case asks the doctor library in process (milliseconds) instead of starting the CLI twice.
      const diagnoseNow = async () => diagnose(await gatherFacts({ arch: 'aarch64', namePrefix: name }));
      try {
        setGlobalStatus('0');
        const finding = (await diagnoseNow()).find((f) => f.id === 'binfmt.disabled');
        expect(finding?.severity).toBe('error');
        expect(finding?.evidence).toBe('/proc/sys/fs/binfmt_misc/status: disabled');
        await runFix(finding!.fix!, scratch.binDir);
        expect((await diagnoseNow()).map((f) => f.id)).not.toContain('binfmt.disabled');
        expect(globalStatus(snapshotBinfmt())).toBe('enabled\n');
      } finally {
        setGlobalStatus(original);
      }
    });
  },
);
