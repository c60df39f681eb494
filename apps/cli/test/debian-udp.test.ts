import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { underArm64kit, unpackDebianRoot } from './debian-root.js';
import { freePort } from './guest-server.js';
import { execute } from './spawn-outcome.js';

/**
 * UDP between a guest and the host, both ways, with Debian's Python under `arm64kit run
 * --sysroot`: a guest echo server answering the host's datagrams, and a guest client of a host
 * echo server over 127.0.0.1 and ::1 (the same client under `qemu -L` is the reference).
 * Guest-to-guest UDP is tooling/test-programs/src/udp.c's.
 */
const ready =
  available('Debian UDP (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian UDP (qemu)', commandProblem(QEMU, 'qemu-user-static'));

/** Echoes each datagram upper-cased to whoever sent it, until one says "bye". */
const ECHO_SERVER = [
  'import socket, sys',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  's.bind(("127.0.0.1", int(sys.argv[1])))',
  'while True:',
  '    data, peer = s.recvfrom(65536)',
  '    s.sendto(data.upper(), peer)',
  '    if data == b"bye": break',
  'print("served", peer[0])',
].join('\n');

/** Sends one datagram to each address and prints the answer and who it came from. */
const CLIENT = [
  'import socket, sys',
  'for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):',
  '    s = socket.socket(family, socket.SOCK_DGRAM)',
  '    s.settimeout(60)',
  '    s.sendto(b"ping " + host.encode() + b" " + b"x" * 3000, (host, int(sys.argv[1])))',
  '    data, peer = s.recvfrom(65536)',
  '    print(data[:40].decode(), len(data), peer[0], peer[1] == int(sys.argv[1]))',
].join('\n');

describe.runIf(ready)('UDP between the host and Debian Python under arm64kit run', () => {
  let root: string;

  beforeAll(async () => {
    root = await unpackDebianRoot('arm64kit-udp-');
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a guest echo server answers the host', async () => {
    const port = await freePort();
    const argv = underArm64kit(root, '/usr/bin/python3', ['-c', ECHO_SERVER, String(port)]);
    const guest: ChildProcess = spawn(argv[0], argv.slice(1), {
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    guest.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    guest.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    const ended = new Promise<number | null>((resolve) => guest.on('close', resolve));
    const host: Socket = createSocket('udp4');
    try {
      await new Promise<void>((resolve) => host.bind(0, '127.0.0.1', resolve));
      const replies: Buffer[] = [];
      host.on('message', (message) => replies.push(message));
      // The guest binds its port some seconds after it starts; until then the datagrams are lost.
      const deadline = Date.now() + 120_000;
      while (replies.length === 0 && Date.now() < deadline) {
        host.send('hello', port, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(replies[0]?.toString(), output).toBe('HELLO');
      replies.length = 0;
      const big = Buffer.alloc(8000, 'abc');
      host.send(big, port, '127.0.0.1');
      host.send('bye', port, '127.0.0.1');
      while (replies.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(replies.filter((r) => r.toString() !== 'HELLO').map((r) => r.toString())).toEqual([
        big.toString().toUpperCase(),
        'BYE',
      ]);
      expect(await ended).toBe(0);
      expect(output).toBe('served 127.0.0.1\n');
    } finally {
      host.close();
      if (guest.exitCode === null && guest.signalCode === null) guest.kill('SIGKILL');
      await ended;
    }
  }, 300_000);

  describe('a host echo server', () => {
    const sockets: Socket[] = [];
    let port: number;

    beforeAll(async () => {
      port = await freePort();
      for (const [type, address] of [
        ['udp4', '127.0.0.1'],
        ['udp6', '::1'],
      ] as const) {
        const socket = createSocket(type);
        socket.on('message', (message, from) =>
          socket.send(Buffer.concat([Buffer.from('echo '), message]), from.port, from.address),
        );
        await new Promise<void>((resolve) => socket.bind(port, address, resolve));
        sockets.push(socket);
      }
    });

    afterAll(() => {
      for (const socket of sockets) socket.close();
    });

    it('answers the guest client as it answers the client under qemu, on 127.0.0.1 and ::1', async () => {
      const program = '/usr/bin/python3';
      const expected = await execute([QEMU, '-L', root, join(root, program), '-c', CLIENT, String(port)]);
      const actual = await execute(underArm64kit(root, program, ['-c', CLIENT, String(port)]));
      expect(actual, actual.stderr).toEqual(expected);
      expect(actual.stdout).toBe(
        [
          `echo ping 127.0.0.1 ${'x'.repeat(20)} 3020 127.0.0.1 True`,
          `echo ping ::1 ${'x'.repeat(26)} 3014 ::1 True`,
          '',
        ].join('\n'),
      );
    }, 300_000);
  });
});
