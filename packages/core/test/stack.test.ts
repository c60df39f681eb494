import { describe, expect, it } from 'vitest';
import { AT, buildInitialStack, PagedMemory } from '../src/index.js';

describe('the initial stack', () => {
  it('is laid out like the kernel does: argc, argv, envp, auxv, strings above', () => {
    const memory = new PagedMemory({ initialBytes: 16 << 20 });
    const random = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const argv = ['./a.out', '1', 'two words', ''];
    const env = ['A=1', 'PATH=/bin'];
    const stack = buildInitialStack(memory, {
      argv,
      env,
      execfn: './a.out',
      platform: 'aarch64',
      random,
      alignment: 16,
      auxv: [
        [AT.HWCAP, 3n],
        [AT.PAGESZ, 4096n],
        [AT.SECURE, 0n],
        [AT.HWCAP2, 0n],
      ],
    });
    const sp = stack.sp;
    expect(sp % 16).toBe(0);
    const word = (i: number) => memory.read64(sp + 8 * i);
    expect(word(0)).toBe(BigInt(argv.length));
    const strings = argv.map((_, i) => memory.readCString(Number(word(1 + i))));
    expect(strings).toEqual(argv);
    expect(word(1 + argv.length)).toBe(0n);
    const envAt = 2 + argv.length;
    expect(env.map((_, i) => memory.readCString(Number(word(envAt + i))))).toEqual(env);
    expect(word(envAt + env.length)).toBe(0n);

    const aux: [number, bigint][] = [];
    for (let i = envAt + env.length + 1; ; i += 2) {
      aux.push([Number(word(i)), word(i + 1)]);
      if (word(i) === 0n) break;
    }
    // The kernel's order: …, AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN, AT_PLATFORM, AT_NULL.
    expect(aux.map(([k]) => k)).toEqual([
      AT.HWCAP,
      AT.PAGESZ,
      AT.SECURE,
      AT.RANDOM,
      AT.HWCAP2,
      AT.EXECFN,
      AT.PLATFORM,
      AT.NULL,
    ]);
    const get = (key: number) => Number(aux.find(([k]) => k === key)?.[1]);
    expect(memory.readBytes(get(AT.RANDOM), 16)).toEqual(random);
    expect(get(AT.RANDOM) % 16).toBe(0);
    expect(memory.readCString(get(AT.PLATFORM))).toBe('aarch64');
    expect(memory.readCString(get(AT.EXECFN))).toBe('./a.out');

    // Strings: argv strings lowest, then envp strings, then execfn, then one zero word at the top.
    const argvStart = Number(word(1));
    const envStart = Number(word(envAt));
    expect(envStart).toBe(argvStart + argv.reduce((n, s) => n + Buffer.byteLength(s) + 1, 0));
    const execfn = get(AT.EXECFN);
    expect(execfn).toBe(envStart + env.reduce((n, s) => n + Buffer.byteLength(s) + 1, 0));
    expect(memory.read64(execfn + Buffer.byteLength('./a.out') + 1)).toBe(0n);
    expect(execfn + 8 + 8).toBe(0xfffe0000);
    // Everything below the strings (random bytes, platform) sits above the pointer arrays.
    expect(get(AT.PLATFORM)).toBeGreaterThan(sp);
    expect(get(AT.RANDOM)).toBeLessThan(argvStart);
  });
});
