/**
 * `pnpm bench`: in one run, for every program, the native build (or the host's own Debian
 * program), qemu-aarch64-static and arm64kit (the built CLI): wall time, the ratios, the
 * steady-state ratio, and each one's peak RSS next to Node's own baseline.
 *
 * Programs: the CPU-bound C kernels in this folder, and real Debian bookworm arm64 programs
 * (compression, hashing, interpreters, a database) from a debootstrap root filesystem that
 * tooling/fixtures builds and caches (the first run needs root and Debian's archive).
 *
 * ARM64KIT_BENCH_REPEAT (default 3) runs of each C kernel, best taken; the Debian programs run
 * once each (they take minutes under arm64kit). ARM64KIT_BENCH_SCALE (default 1) scales their work.
 *
 * ARM64KIT_BENCH_TARGET=riscv64 measures the riscv64 frontend instead: the same C kernels built
 * with riscv64-linux-gnu-gcc, against qemu-riscv64-static. The Debian programs are aarch64 only
 * (bookworm, the root filesystem's release, has no riscv64 port).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AARCH64_TARGET, benchmarkNames, buildProgram, type GuestTarget, RISCV64_TARGET } from '../build.js';
import { benchRoot, debianBenchmarks, nativeArgv } from './debian.js';
import { best, type Measured } from './measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CLI = join(ROOT, 'apps/cli/bin/run.js');
const REPEAT = Number(process.env.ARM64KIT_BENCH_REPEAT ?? 3);
const SCALE = Number(process.env.ARM64KIT_BENCH_SCALE ?? 1);
const TARGETS: Readonly<Record<string, GuestTarget>> = { aarch64: AARCH64_TARGET, riscv64: RISCV64_TARGET };
const TARGET_NAME = process.env.ARM64KIT_BENCH_TARGET ?? 'aarch64';
const TARGET = TARGETS[TARGET_NAME];
if (TARGET === undefined) {
  throw new Error(
    `ARM64KIT_BENCH_TARGET=${TARGET_NAME}: the benchmarks run ${Object.keys(TARGETS).join(' or ')}`,
  );
}
const QEMU = TARGET.qemu;

interface Row {
  name: string;
  native?: Measured;
  qemu: Measured;
  kit: Measured;
  /** The same kind of process doing no work (a hello world / /bin/true): its start-up. */
  start: { qemu: Measured; kit: Measured };
}

const kit = (repeat: number, args: string[]) =>
  best(repeat, process.execPath, [CLI, 'run', '--stats', ...args]);

function checkSame(name: string, qemu: Measured, arm64kit: Measured): void {
  if (!qemu.stdout.equals(arm64kit.stdout)) {
    throw new Error(
      `${name}: outputs differ\nqemu: ${qemu.stdout.toString('latin1', 0, 300)}\narm64kit: ${arm64kit.stdout.toString('latin1', 0, 300)}`,
    );
  }
}

function kernels(): Row[] {
  const hello = buildProgram('argv', { target: TARGET });
  const start = { qemu: best(REPEAT, QEMU, [hello]), kit: kit(REPEAT, [hello]) };
  return benchmarkNames().map((name) => {
    process.stderr.write(`${name}: building and running (best of ${REPEAT})\n`);
    const guest = buildProgram(name, { target: TARGET });
    const row: Row = {
      name: name.replace('bench/', ''),
      native: best(REPEAT, buildProgram(name, { native: true }), []),
      qemu: best(REPEAT, QEMU, [guest]),
      kit: kit(REPEAT, [guest]),
      start,
    };
    checkSame(name, row.qemu, row.kit);
    return row;
  });
}

async function debian(): Promise<Row[]> {
  const root = await benchRoot(SCALE, (line) => process.stderr.write(`rootfs: ${line}\n`));
  const noWork = ['/usr/bin/true'];
  const start = {
    qemu: best(REPEAT, QEMU, ['-L', root, join(root, noWork[0])], root),
    kit: kit(REPEAT, ['--sysroot', root, join(root, noWork[0])]),
  };
  return debianBenchmarks(SCALE).map(({ name, argv }) => {
    process.stderr.write(`${name}: running natively, under qemu and under arm64kit\n`);
    const native = nativeArgv(argv, root);
    const row: Row = {
      name,
      native: native ? best(1, native[0], native.slice(1), root) : undefined,
      qemu: best(1, QEMU, ['-L', root, join(root, argv[0]), ...argv.slice(1)], root),
      kit: best(
        1,
        process.execPath,
        [CLI, 'run', '--sysroot', root, join(root, argv[0]), ...argv.slice(1)],
        root,
      ),
      start,
    };
    checkSame(name, row.qemu, row.kit);
    return row;
  });
}

function table(rows: Row[], node: Measured): string {
  const s = (m: Measured | undefined) => (m ? m.seconds.toFixed(3) : '-');
  const mib = (m: Measured | undefined) => (m ? m.peakMiB.toFixed(0) : '-');
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(1) : '-');
  const header = [
    'program',
    'native s',
    'qemu s',
    'kit s',
    'kit/qemu',
    'kit/native',
    'steady kit/qemu',
    'native MiB',
    'qemu MiB',
    'kit MiB',
    'MiB goal',
  ];
  const cells = rows.map((r) => {
    // Steady state: each time less its own start-up (the same launcher doing no work).
    const steadyKit = r.kit.seconds - r.start.kit.seconds;
    const steadyQemu = r.qemu.seconds - r.start.qemu.seconds;
    return [
      r.name,
      s(r.native),
      s(r.qemu),
      s(r.kit),
      ratio(r.kit.seconds, r.qemu.seconds),
      r.native ? ratio(r.kit.seconds, r.native.seconds) : '-',
      steadyQemu > 0.05 ? ratio(steadyKit, steadyQemu) : '-',
      mib(r.native),
      mib(r.qemu),
      mib(r.kit),
      // The issue's memory goal: Node's own baseline plus twice qemu's peak.
      (node.peakMiB + 2 * r.qemu.peakMiB).toFixed(0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  // The CLI runs from dist: make sure it is current (turbo's cache makes this quick when it is).
  process.stderr.write('building the CLI (pnpm turbo run build --filter arm64kit...)\n');
  execFileSync('pnpm', ['turbo', 'run', 'build', '--filter', 'arm64kit...', '--output-logs=errors-only'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (!existsSync(join(ROOT, 'apps/cli/dist/lean-run/bundle.cjs'))) throw new Error('the CLI did not build');
  const node = best(REPEAT, process.execPath, ['-e', '0']);
  const c = kernels();
  // The root filesystem is bookworm arm64: its programs are aarch64 ones.
  const d = TARGET === AARCH64_TARGET ? await debian() : [];
  const startLine = (label: string, r: Row) =>
    `${label}: qemu ${r.start.qemu.seconds.toFixed(3)} s ${r.start.qemu.peakMiB.toFixed(0)} MiB, arm64kit ${r.start.kit.seconds.toFixed(3)} s ${r.start.kit.peakMiB.toFixed(0)} MiB`;
  process.stdout.write(
    [
      table([...c, ...d], node),
      '',
      `node -e 0: ${node.seconds.toFixed(3)} s, ${node.peakMiB.toFixed(0)} MiB (Node's own baseline)`,
      startLine('start-up, static C program', c[0]),
      ...(d.length > 0 ? [startLine('start-up, /usr/bin/true from the root filesystem', d[0])] : []),
      '',
      `${TARGET.name} guests, against ${QEMU}. Wall-clock seconds of the whole process (arm64kit with Node's start-up); C kernels best of ${REPEAT}${d.length > 0 ? `, Debian programs one run, scale ${SCALE}` : ''}.`,
      'steady = each time less the start-up of the same launcher doing no work; MiB = peak RSS (wait4 rusage, GNU time);',
      "MiB goal = Node's baseline + 2x qemu's peak.",
      '',
    ].join('\n'),
  );
}

await main();
