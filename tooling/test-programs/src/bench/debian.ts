import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, ensureArm64Rootfs } from '@arm64kit/fixtures';

/**
 * Debian packages beyond minbase that the programs below come from, and that the CLI's Debian
 * tests use too (python3's full standard library for http.server and urllib, curl, procps for
 * ps and free): one recipe, so a cold cache builds one root filesystem for all of them.
 */
export const BENCH_PACKAGES = [
  'curl',
  'openssl',
  'procps',
  'python3',
  'python3-minimal',
  'sqlite3',
  'xz-utils',
];

/** Guest path of the input the compressors and hashes read (inside the root filesystem). */
const INPUT = '/tmp/arm64kit-bench-input';

export interface DebianBenchmark {
  readonly name: string;
  /** argv inside the root filesystem; the native run uses the host's program of the same name. */
  readonly argv: readonly string[];
}

/**
 * Real Debian bookworm arm64 programs doing seconds of work under qemu: compression, hashing, two
 * interpreter loops and a database. ARM64KIT_BENCH_SCALE (default 1) scales every workload.
 */
export function debianBenchmarks(scale: number): DebianBenchmark[] {
  const n = (base: number) => String(Math.max(1, Math.round(base * scale)));
  // The hashes read the input 16 times over, to do seconds of work under qemu as the rest do.
  const inputs = Array.from({ length: 16 }, () => INPUT);
  return [
    { name: 'xz -3', argv: ['/usr/bin/xz', '-3', '-T1', '-c', INPUT] },
    { name: 'gzip -9', argv: ['/usr/bin/gzip', '-9', '-c', INPUT] },
    { name: 'sha256sum', argv: ['/usr/bin/sha256sum', ...inputs] },
    { name: 'openssl sha512', argv: ['/usr/bin/openssl', 'dgst', '-sha512', ...inputs] },
    {
      name: 'perl regex+hash',
      argv: [
        '/usr/bin/perl',
        '-e',
        `my %h; for my $i (1..${n(1200000)}) { my $s = "k$i"; $h{$1}++ if $s =~ /(\\d)7/ } print join(",", map { "$_=$h{$_}" } sort keys %h), "\\n"`,
      ],
    },
    {
      name: 'python3 loop',
      argv: [
        '/usr/bin/python3',
        '-c',
        `d = {}\nfor i in range(${n(1500000)}):\n    d[i % 1009] = d.get(i % 1009, 0) + i * i % 7\nprint(sum(d.values()), len(d))`,
      ],
    },
    {
      name: 'sqlite3',
      argv: [
        '/usr/bin/sqlite3',
        ':memory:',
        `CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n(100000)}) INSERT INTO t SELECT x, hex(x * 7919) FROM c; CREATE INDEX tv ON t(v); SELECT count(*), sum(length(v)), max(v) FROM t WHERE v LIKE '%A%';`,
      ],
    },
  ];
}

/**
 * The root filesystem unpacked under the cache (tooling/fixtures builds and caches its tar), with
 * the input file the compressors read: MiB of text that compresses like source code, the same
 * bytes on every machine.
 */
export async function benchRoot(scale: number, log: (line: string) => void): Promise<string> {
  const { tarPath, key } = await ensureArm64Rootfs({ packages: BENCH_PACKAGES, onLog: log });
  const root = join(cacheDir(), 'bench-root', key);
  if (!existsSync(join(root, 'usr/bin/sqlite3'))) {
    mkdirSync(root, { recursive: true });
    // As root, tar recreates /dev's nodes (null, urandom...) that the programs open.
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`cannot unpack ${tarPath}: ${untar.stderr}`);
  }
  const lines: string[] = [];
  let x = 12345;
  const words = [
    'static',
    'int',
    'return',
    'if',
    'else',
    'for',
    'while',
    'struct',
    'void',
    'char',
    '(',
    ')',
    ';',
  ];
  for (let i = 0; i < Math.round(60000 * scale); i++) {
    let line = '';
    for (let w = 0; w < 10; w++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      line += `${words[x % words.length]}${(x >>> 16) % 97} `;
    }
    lines.push(line);
  }
  writeFileSync(join(root, INPUT), `${lines.join('\n')}\n`);
  return root;
}

/** The host's own program for a guest argv, when the host has it (the native column). */
export function nativeArgv(argv: readonly string[], root: string): string[] | undefined {
  const program = argv[0];
  if (!existsSync(program)) return undefined;
  return [program, ...argv.slice(1).map((a) => (a === INPUT ? join(root, INPUT) : a))];
}
