import { describe, expect, it } from 'vitest';
import {
  type BinfmtSnapshot,
  type BinfmtState,
  formatStatus,
  installPlan,
  presetEntry,
  presetRegistration,
  restorePlan,
} from '../src/index.js';

// The plans are carried out against the real kernel by host.test.ts (through BinfmtHost)
// and by @arm64kit/docker's registration-image tests; here each rule on its own.
const fp = presetEntry('aarch64', { name: 'qemu-aarch64', preserveArgv0: true, persistent: true });
const fpLine = presetRegistration('aarch64', { name: 'qemu-aarch64', preserveArgv0: true, persistent: true });
const status = (enabled: boolean, entry = fp) => formatStatus({ ...entry, enabled });
const other = presetEntry('riscv64', { name: 'qemu-riscv64' });

describe('installPlan', () => {
  it('registers an absent entry', () => {
    expect(installPlan(undefined, fp)).toEqual([{ op: 'register', name: 'qemu-aarch64', line: fpLine }]);
  });

  it('leaves an identical entry alone and only enables a disabled one', () => {
    expect(installPlan(status(true), fp)).toEqual([]);
    expect(installPlan(status(false), fp)).toEqual([{ op: 'enable', name: 'qemu-aarch64' }]);
  });

  it('replaces a different entry of the name only when asked to', () => {
    const noP = formatStatus({ ...presetEntry('aarch64', { name: 'qemu-aarch64' }), enabled: true });
    expect(() => installPlan(noP, fp)).toThrow(/already registered with different settings/);
    expect(installPlan(noP, fp, { replace: true })).toEqual([
      { op: 'remove', name: 'qemu-aarch64' },
      { op: 'register', name: 'qemu-aarch64', line: fpLine },
    ]);
  });
});

describe('restorePlan', () => {
  const snapshot = (entries: BinfmtSnapshot['entries'], extra: Partial<BinfmtSnapshot> = {}) =>
    ({ dir: '/proc/sys/fs/binfmt_misc', scope: ['qemu-aarch64'], entries, ...extra }) as BinfmtSnapshot;
  const state = (entries: BinfmtState['entries'], enabled = true): BinfmtState => ({ enabled, entries });

  it('does nothing when the directory already matches', () => {
    const entries = [{ name: 'qemu-aarch64', status: status(false) }];
    expect(restorePlan(state(entries), snapshot(entries))).toEqual([]);
  });

  it('removes an entry in scope that was added, and never one out of scope', () => {
    const now = state([
      { name: 'qemu-aarch64', status: status(true) },
      { name: 'qemu-riscv64', status: status(true, other) },
    ]);
    expect(restorePlan(now, snapshot([]))).toEqual([{ op: 'remove', name: 'qemu-aarch64' }]);
  });

  it('flips only the state when only the state changed', () => {
    const now = state([{ name: 'qemu-aarch64', status: status(true) }]);
    expect(restorePlan(now, snapshot([{ name: 'qemu-aarch64', status: status(false) }]))).toEqual([
      { op: 'disable', name: 'qemu-aarch64' },
    ]);
  });

  it('registers a replaced entry again from its status, disabled when it was', () => {
    const before = formatStatus({ ...presetEntry('aarch64', { name: 'qemu-aarch64' }), enabled: false });
    const now = state([{ name: 'qemu-aarch64', status: status(true) }]);
    const plan = restorePlan(now, snapshot([{ name: 'qemu-aarch64', status: before }]));
    expect(plan.map((c) => c.op)).toEqual(['remove', 'register', 'disable']);
    expect(plan[1]).toEqual({
      op: 'register',
      name: 'qemu-aarch64',
      line: presetRegistration('aarch64', { name: 'qemu-aarch64' }),
    });
  });

  it('re-registers removed entries oldest first and resets the global switch of a full snapshot', () => {
    const entries = [
      { name: 'qemu-riscv64', status: status(true, other) },
      { name: 'qemu-aarch64', status: status(true) },
    ];
    const plan = restorePlan(state([], false), snapshot(entries, { scope: 'all', enabled: true }));
    expect(plan.map((c) => ('name' in c ? `${c.op} ${c.name}` : `${c.op} ${c.enabled}`))).toEqual([
      'register qemu-aarch64',
      'register qemu-riscv64',
      'global true',
    ]);
  });
});
