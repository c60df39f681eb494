import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureArm64Rootfs } from '@arm64kit/fixtures';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DnsServer, startDnsServer } from './dns-server.js';
import { CLI_BIN } from './repro-helpers.js';
import { execute } from './spawn-outcome.js';

/** The loopback address the test's DNS server answers on (the root filesystem's only nameserver). */
const NAMESERVER = '127.53.0.1';

/**
 * Name resolution by Debian's glibc under `arm64kit run --sysroot`, beside `qemu -L`: the
 * sysroot's nsswitch.conf and /etc/hosts (localhost, a name of the file's own), and DNS through
 * its resolv.conf, which names a server of this test on a loopback address — glibc's stub
 * resolver then talks UDP to it from the guest. (The debootstrap root filesystem has no
 * /etc/hosts and names the build host's nameserver; both are replaced here, so that nothing
 * leaves this machine.)
 */
const ready =
  available('name resolution (root, to unpack the root filesystem and serve port 53)', rootProblem()) &&
  available('name resolution (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('name resolution (debootstrap)', commandProblem('debootstrap', 'debootstrap'));

describe.runIf(ready)('getaddrinfo and gethostbyname in a sysroot, under arm64kit run and qemu', () => {
  let root: string;
  let dns: DnsServer;

  beforeAll(async () => {
    const { tarPath } = await ensureArm64Rootfs();
    root = mkdtempSync(join(tmpdir(), 'arm64kit-names-'));
    const untar = spawnSync('tar', ['-xf', tarPath, '-C', root, '--exclude=./dev/*'], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
    writeFileSync(
      join(root, 'etc/hosts'),
      '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n203.0.113.5\tfiles.test files\n',
    );
    writeFileSync(join(root, 'etc/resolv.conf'), `nameserver ${NAMESERVER}\noptions timeout:5 attempts:1\n`);
    dns = await startDnsServer(NAMESERVER, { 'dns.test': '203.0.113.9' });
  }, 1_800_000);

  afterAll(async () => {
    await dns?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const CASES: { argv: string[]; stdout: string; status: number; asks?: string }[] = [
    {
      argv: ['hosts', 'localhost'],
      stdout: '::1             localhost ip6-localhost ip6-loopback\n',
      status: 0,
    },
    { argv: ['ahostsv4', 'localhost'], stdout: '127.0.0.1       STREAM localhost\n', status: 0 },
    { argv: ['ahosts', 'files.test'], stdout: '203.0.113.5     STREAM files.test\n', status: 0 },
    {
      argv: ['ahostsv4', 'dns.test'],
      stdout: '203.0.113.9     STREAM dns.test\n',
      status: 0,
      asks: 'dns.test',
    },
    { argv: ['hosts', 'nosuch.test'], stdout: '', status: 2, asks: 'nosuch.test' },
  ];

  // getaddrinfo with AI_ADDRCONFIG asks NETLINK_ROUTE for the host's addresses, then orders
  // the answers by RFC 3484 with a connect of a UDP socket to each.
  const GETADDRINFO = [
    'perl',
    '-MSocket=getaddrinfo,getnameinfo,AI_ADDRCONFIG,SOCK_STREAM,NI_NUMERICHOST',
    '-e',
    'for my $n (@ARGV) { my ($e, @r) = getaddrinfo($n, "80", { flags => AI_ADDRCONFIG, socktype => SOCK_STREAM });' +
      ' print "$n: ", ($e ? "error" : join(" ", map { (getnameinfo($_->{addr}, NI_NUMERICHOST))[1] } @r)), "\\n" }',
  ];
  CASES.push({
    argv: [...GETADDRINFO, 'localhost', 'dns.test'],
    stdout: '127.0.0.1\ndns.test: 203.0.113.9\n',
    status: 0,
    asks: 'dns.test',
  });

  const label = (argv: string[]) =>
    argv[0] === 'perl'
      ? `perl getaddrinfo(AI_ADDRCONFIG) ${argv.slice(-2).join(' ')}`
      : `getent ${argv.join(' ')}`;
  it.each(CASES.map((c) => [label(c.argv), c] as const))(
    '%s',
    async (_, { argv, stdout, status, asks }) => {
      const [program, ...args] = argv[0] === 'perl' ? argv : ['getent', ...argv];
      const path = join(root, 'usr/bin', program);
      const before = dns.queries.length;
      const expected = await execute([QEMU, '-L', root, path, ...args]);
      const asked = dns.queries.length - before;
      const actual = await execute([process.execPath, CLI_BIN, 'run', '--sysroot', root, path, ...args]);
      expect(actual, actual.stderr).toEqual(expected);
      expect(actual.stdout).toContain(stdout);
      expect(actual.status).toBe(status);
      // The DNS server heard the guest as often as it heard the program under qemu.
      expect(dns.queries.length - before).toBe(2 * asked);
      if (asks) expect(dns.queries.slice(before).every((q) => q.name === asks) && asked > 0).toBe(true);
      else expect(asked).toBe(0);
    },
    120_000,
  );
});
