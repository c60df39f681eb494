import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { available, binfmtProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinfmtEntry, BinfmtError, formatStatus, parseRegistration, parseStatus } from '../src/index.js';
import { kernelRegister, kernelRemove, kernelStatus, removeByPrefix, testPrefix } from './support/kernel.js';
import {
  type Context,
  edgeCases,
  generateByteCases,
  generateCases,
  MUTATIONS,
  TAG_ALPHABET,
} from './support/register-lines.js';

const CASES = Number(process.env.ARM64KIT_BINFMT_DIFF_CASES ?? 2400);
const SEED = Number(process.env.ARM64KIT_BINFMT_DIFF_SEED ?? Date.now() % 1_000_000);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function entryName(line: string): string {
  const del = line[0];
  const end = line.indexOf(del, 1);
  return line.slice(1, end < 0 ? undefined : end).split('\0')[0];
}

describe.runIf(available('kernel differential (writes test entries to binfmt_misc)', binfmtProblem()))(
  'parseRegistration agrees with the running kernel',
  () => {
    const prefix = testPrefix('kd');
    let scratch = '';
    let ctx: Context;

    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'arm64kit-kd-'));
      const weird = ['with space', 'colon:name', 'unicodé', 'new\nline', 'pipe|bar', 'hash#x', 'M'];
      const executables = ['/bin/true', '/bin/sh', '/usr/bin/env'];
      for (const name of weird) {
        const path = join(scratch, name);
        writeFileSync(path, '#!/bin/sh\nexit 0\n');
        chmodSync(path, 0o755);
        executables.push(path);
      }
      let tag = '';
      for (
        let i = 0, n = process.pid * 7919 + SEED;
        i < 8;
        i++, n = Math.floor(n / TAG_ALPHABET.length) + i * 31
      ) {
        tag += TAG_ALPHABET[n % TAG_ALPHABET.length];
      }
      ctx = { prefix, tag, executables };
    });

    afterAll(() => {
      const left = removeByPrefix(prefix);
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      expect(left).toBe(0);
    });

    it(`gives the kernel verdict on every rule edge, ${CASES} generated register strings and ${Math.ceil(CASES / 6)} byte lines (seed ${SEED})`, () => {
      const cases: Array<{ line: string | Uint8Array; aim: string }> = [
        ...edgeCases(ctx),
        ...generateCases(ctx, CASES, SEED),
        ...generateByteCases(ctx, Math.ceil(CASES / 6), SEED + 1).map((c) => ({ line: c.bytes, aim: c.aim })),
      ];
      const mismatches: string[] = [];
      const rulesSeen = new Set<string>();
      const aimsSeen = new Set<string>();
      let accepted = 0;
      let notUtf8 = 0;
      let rejected = 0;
      try {
        for (const { line, aim } of cases) {
          aimsSeen.add(aim);
          let entry: BinfmtEntry | undefined;
          let expected: string;
          try {
            entry = parseRegistration(line);
            // F opens the interpreter while registering: a missing one is the kernel's ENOENT.
            expected = entry.flags.fixBinary && !isExecutable(entry.interpreter) ? 'ENOENT' : 'OK';
          } catch (error) {
            if (!(error instanceof BinfmtError)) throw error;
            expected = error.code;
            rulesSeen.add(`${error.field}:${error.rule}`);
          }
          const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : Buffer.from(line);
          const actual = kernelRegister(bytes);
          if (actual === 'OK') {
            accepted++;
            const name = entry?.name ?? entryName(bytes.toString('latin1'));
            try {
              const status = kernelStatus(name);
              if (entry) {
                const back = parseStatus(status, name);
                if (formatStatus(entry) !== status)
                  mismatches.push(
                    `${JSON.stringify(line)}: status ${JSON.stringify(status)} != ${JSON.stringify(formatStatus(entry))}`,
                  );
                else expect(back).toEqual({ ...entry, enabled: true });
              }
            } finally {
              kernelRemove(name);
            }
          } else {
            rejected++;
          }
          // Text fields that are not UTF-8 are this library's own refusal (EILSEQ), not a kernel rule.
          if (expected === 'EILSEQ') notUtf8++;
          else if (actual !== expected) {
            mismatches.push(
              `${aim}: ${JSON.stringify(bytes.toString('latin1'))}: kernel ${actual}, parser ${expected}`,
            );
          }
        }
      } finally {
        removeByPrefix(prefix);
      }
      process.stderr.write(
        `kernel differential: ${cases.length} lines, ${accepted} accepted, ${rejected} rejected, ${notUtf8} not UTF-8; rules: ${[...rulesSeen].sort().join(' ')}\n`,
      );
      expect(mismatches.slice(0, 20)).toEqual([]);
      expect(cases.length - notUtf8).toBeGreaterThanOrEqual(2000);
      expect(notUtf8).toBeLessThan(cases.length / 20);
      expect(accepted).toBeGreaterThan(CASES / 4);
      expect(rejected).toBeGreaterThan(CASES / 4);
      // Every rule was exercised.
      for (const aim of Object.keys(MUTATIONS)) expect(aimsSeen).toContain(aim);
      for (const rule of [
        'line:length',
        'delimiter:flag-letter',
        'name:empty',
        'name:dot',
        'name:slash',
        'name:too-long',
        'name:reserved',
        'name:missing-delimiter',
        'type:unknown',
        'offset:not-decimal',
        'offset:negative',
        'offset:beyond-header',
        'magic:empty',
        'magic:bad-escape',
        'magic:too-long',
        'mask:length-mismatch',
        'mask:bad-escape',
        'extension:empty',
        'extension:slash',
        'interpreter:empty',
        'interpreter:missing-delimiter',
        'flags:unknown-flag',
      ]) {
        expect(rulesSeen).toContain(rule);
      }
    });
  },
);
