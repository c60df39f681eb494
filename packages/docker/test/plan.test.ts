import { formatRegistration, presetEntry } from '@arm64kit/binfmt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planEmulation } from '../src/index.js';

describe('planEmulation: what setupEmulation would register, touching nothing', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("riscv64: qemu-binfmt-conf.sh's entry with P and F, for linux/riscv64 images", () => {
    const plan = planEmulation({ arch: 'riscv64', via: 'host' });
    expect(plan).toEqual({
      machine: 'riscv64',
      platform: 'linux/riscv64',
      name: 'qemu-riscv64',
      interpreter: '/usr/bin/qemu-riscv64-static',
      registration: formatRegistration(
        presetEntry('riscv64', {
          preserveArgv0: true,
          persistent: true,
          interpreter: '/usr/bin/qemu-riscv64-static',
        }),
      ),
      via: 'host',
    });
    // EM_RISCV (243) little-endian in the magic, and the flags the registration ends with.
    expect(plan.registration).toContain('\\x02\\x00\\xf3\\x00:');
    expect(plan.registration.endsWith(':/usr/bin/qemu-riscv64-static:PF')).toBe(true);
  });

  it('takes any spelling of the architecture, and the flags and names given', () => {
    const plan = planEmulation({
      arch: 'arm64',
      via: 'image',
      image: 'example/registrar:1',
      name: 'my-arm64',
      preserveArgv0: false,
      persistent: false,
    });
    expect(plan).toMatchObject({
      machine: 'aarch64',
      platform: 'linux/arm64',
      name: 'my-arm64',
      via: 'image',
      image: 'example/registrar:1',
    });
    expect(plan.registration).toMatch(/^:my-arm64:M:0:.*:\/usr\/bin\/qemu-aarch64-static:$/);
  });

  it('auto: the image route, with the reason, when this host cannot register or the engine is elsewhere', () => {
    expect(planEmulation({ arch: 'riscv64', interpreter: '/nonexistent/qemu-riscv64' })).toMatchObject({
      via: 'image',
      hostProblem: expect.stringContaining('the interpreter /nonexistent/qemu-riscv64 is not installed'),
    });
    vi.stubEnv('DOCKER_HOST', 'tcp://198.51.100.1:2376');
    // Nothing is sent there: the address only tells that the engine is not on this host.
    expect(planEmulation({ arch: 'riscv64', interpreter: process.execPath })).toMatchObject({
      via: 'image',
      hostProblem:
        process.getuid?.() === 0
          ? "the engine at tcp://198.51.100.1:2376 runs on another machine's kernel"
          : 'registering a binfmt_misc handler for riscv64 on this host needs root',
    });
  });

  it('host: says why it would fail when this host cannot register', () => {
    expect(planEmulation({ arch: 'riscv64', via: 'host', interpreter: '/nonexistent/qemu' })).toMatchObject({
      via: 'host',
      hostProblem: expect.stringContaining('the interpreter /nonexistent/qemu is not installed'),
    });
  });

  it('refuses what setupEmulation refuses, before anything happens', () => {
    expect(() => planEmulation({ arch: 'sparc64' })).toThrow('Docker has no platform for sparc64');
    expect(() => planEmulation({ arch: 'vax' })).toThrow('unknown architecture "vax"');
    expect(() => planEmulation({ arch: 'riscv64', via: 'host', image: 'x' })).toThrow(
      'an image is given, but via is "host"',
    );
  });
});
