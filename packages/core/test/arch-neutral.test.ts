import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Core holds no fact of any guest architecture: every instruction, register, ABI and feature
 * fact lives in the architecture's package (docs/adding-an-architecture.md). This reads core's
 * source with comments removed (comments may name an architecture as an example) and looks for
 * the facts an architecture would leak: its name, register names, system registers, instruction
 * mnemonics, feature names and ELF machine numbers.
 */

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The code of a TypeScript file with its comments blanked out (newlines kept, so line numbers
 * stay right). String and template literals are kept: a register name would hide in one.
 */
export function withoutComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const two = text.slice(i, i + 2);
    if (two === '//' || two === '/*') {
      const end = two === '//' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2) + 2;
      const stop = end <= 1 || end === -1 ? text.length : end;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Each kind of fact, as a pattern over code. */
const FACTS: Record<string, RegExp> = {
  'architecture name': /\b(aarch64|arm64|armv[89]|a64|riscv(32|64)?|risc-v|rv(32|64)\w*)\b/i,
  'AArch64 register':
    /\b(nzcv|tpidr\w*|tpidrro\w*|fpcr|fpsr|midr\w*|dczid\w*|ctr_el0|\w+_el[0-3]|xzr|wzr)\b/i,
  'RISC-V register or CSR': /\b(fcsr|frm|fflags|mstatus|sstatus|satp|scounteren|mhartid)\b/i,
  // Short register names are common words and identifiers: only as a whole string literal (and
  // not RISC-V's `zero`, which is also /dev/zero).
  'named register':
    /['"`](ra|gp|tp|lr|fp|xzr|wzr|[xw]([0-9]|[12][0-9]|30)|[vqdsh]([0-9]|[12][0-9]|3[01])|[ast][0-9]|s1[01]|f[at]?\d+)['"`]/,
  mnemonic:
    /\b(svc|hvc|smc|ecall|ebreak|ldxr|stxr|ldaxr|stlxr|ldar|stlr|casal?|ldadd\w*|swpal?|lr\.[wd]|sc\.[wd]|amo(swap|add|and|or|xor|min|max)\w*|adrp|blr|eret|mrs|msr|dmb|dsb|isb|auipc|jalr|fence\.i)\b/i,
  // Feature names as /proc/cpuinfo and HWCAP tables spell them (lower case: JS has `Atomics`).
  'feature name':
    /\b(asimd\w*|fphp|pmull|sha[123]|sve\d?|atomics|lrcpc|jscvt|fcma|zicsr|zifencei|zicntr|zihpm|zba|zbb|imafdc|sv(39|48|57))\b/,
  'ELF machine number': /(?<![\w.])(183|243|0xb7|0xf3)(?![\w.])/i,
};

/**
 * What core may say, each with its reason. Keyed by file (relative to src) and the text matched.
 */
const ALLOWED: Record<string, { match: RegExp; why: string }[]> = {
  'loader/elf.ts': [
    {
      // The message for an ELF file of the wrong machine names both machines. This is a second
      // table of architecture names beside @arm64kit/binfmt's, which core may not import; the
      // guest architecture's own name (Architecture.name) could replace the expected side.
      match: /^(183|243|AArch64|RISC-V)$/,
      why: 'machine names in the wrong-machine error message',
    },
  ],
  // recvmmsg's number in the asm-generic system call table, which core owns.
  'linux/numbers.ts': [{ match: /^243$/, why: 'a syscall number, not a machine' }],
  // i32x4.min_u's number among WebAssembly's SIMD opcodes.
  'exec/wasm/vector-opcodes.ts': [{ match: /^0xb7$/, why: 'a wasm opcode, not a machine' }],
};

interface Finding {
  file: string;
  line: number;
  kind: string;
  text: string;
}

/** Allowances that excused something (`file#index`), so a stale one is noticed. */
const used = new Set<string>();

function findings(): Finding[] {
  const found: Finding[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path).split('\\').join('/');
    const lines = withoutComments(readFileSync(path, 'utf8')).split('\n');
    lines.forEach((code, n) => {
      for (const [kind, pattern] of Object.entries(FACTS)) {
        const global = new RegExp(
          pattern.source,
          pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`,
        );
        for (const m of code.matchAll(global)) {
          const text = (m[1] ?? m[0]).trim();
          const allowed = (ALLOWED[file] ?? []).findIndex((a) => a.match.test(text));
          if (allowed >= 0) {
            used.add(`${file}#${allowed}`);
            continue;
          }
          found.push({ file, line: n + 1, kind, text });
        }
      }
    });
  }
  return found;
}

describe('core', () => {
  it('holds no fact of any guest architecture in its code', () => {
    const list = findings().map((f) => `${f.file}:${f.line}: ${f.kind} "${f.text}"`);
    expect(list).toEqual([]);
    const allowances = Object.entries(ALLOWED).flatMap(([file, list]) => list.map((_, i) => `${file}#${i}`));
    expect(allowances.filter((a) => !used.has(a))).toEqual([]);
  });

  it('reads code only, with comments removed and strings kept', () => {
    const code = withoutComments("const a = 'x0'; // aarch64\n/* nzcv\n */ const b = `tp`;\n");
    expect(code).toContain("'x0'");
    expect(code).toContain('`tp`');
    expect(code).not.toMatch(/aarch64|nzcv/);
    expect(code.split('\n')).toHaveLength(4);
  });

  it('finds each kind of fact it looks for', () => {
    const samples: Record<string, string> = {
      'architecture name': "const name = 'riscv64';",
      'AArch64 register': 'const slot = NZCV;',
      'RISC-V register or CSR': "names.push('fcsr');",
      'named register': "const names = ['x30', 'tp'];",
      mnemonic: "emit('ldaxr');",
      'feature name': "features.push('asimd');",
      'ELF machine number': 'if (machine === 183) return;',
    };
    for (const [kind, sample] of Object.entries(samples)) {
      expect(FACTS[kind]?.test(withoutComments(sample)), kind).toBe(true);
    }
    expect(Object.keys(samples).sort()).toEqual(Object.keys(FACTS).sort());
  });
});
