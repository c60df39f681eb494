import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { QEMU } from '@arm64kit/test-programs';
import { available, commandProblem, rootProblem } from '@arm64kit/vitest-config/prerequisites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { underArm64kit as runUnder, unpackDebianRoot } from './debian-root.js';
import { freePort, type RunningServer, startServer } from './guest-server.js';
import { execute, type Outcome } from './spawn-outcome.js';

/**
 * HTTP on loopback with Debian's own programs: Python's http.server running under `arm64kit run
 * --sysroot`, answered by the guest's curl and urllib (the same commands under `qemu -L` are the
 * reference) and by the host's fetch; and the guest's curl and urllib as clients of a host
 * server. Every address is 127.0.0.1; the servers are killed however the tests end.
 */
const ready =
  available('Debian HTTP (root, to unpack the root filesystem)', rootProblem()) &&
  available('Debian HTTP (qemu)', commandProblem(QEMU, 'qemu-user-static')) &&
  available('Debian HTTP (debootstrap)', commandProblem('debootstrap', 'debootstrap'));

/** The files the guest server serves, from /srv/www in the root. */
const HELLO = 'hello over loopback\n';
/** 192 KiB of pseudo-random bytes: more than one socket buffer, every byte value. */
function dataBytes(): Buffer {
  const out = Buffer.alloc(192 * 1024);
  let x = 2463534242;
  for (let i = 0; i < out.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** The Date header changes between two runs of the same request; nothing else may. */
const withoutDates = (o: Outcome): Outcome => ({
  ...o,
  stdout: o.stdout.replace(/^Date: .*\r\n/gim, ''),
});

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A urllib client: for each URL its status, content type, length and body digest (HTTPError too). */
const URLLIB = [
  'import hashlib, sys, urllib.error, urllib.request',
  'for url in sys.argv[1:]:',
  '    data = b"posted" if url.endswith("/echo") else None',
  '    try:',
  '        r = urllib.request.urlopen(url, data=data, timeout=60)',
  '    except urllib.error.HTTPError as e:',
  '        r = e',
  '    body = r.read()',
  '    print(r.status, r.headers.get("Content-Type"), r.headers.get("Content-Length"), hashlib.sha256(body).hexdigest())',
  '    if len(body) < 200: print(body.decode())',
].join('\n');

describe.runIf(ready)('HTTP over loopback with Debian curl and Python under arm64kit run', () => {
  let root: string;
  let data: Buffer;

  beforeAll(async () => {
    root = await unpackDebianRoot('arm64kit-http-');
    // Nothing the guests do may leave the machine: the recipe's resolver is loopback only.
    expect(readFileSync(join(root, 'etc/resolv.conf'), 'utf8')).toBe('nameserver 127.0.0.1\n');
    expect(readFileSync(join(root, 'etc/hosts'), 'utf8')).toMatch(/^127\.0\.0\.1\tlocalhost$/m);
    data = dataBytes();
    mkdirSync(join(root, 'srv/www/sub'), { recursive: true });
    writeFileSync(join(root, 'srv/www/hello.txt'), HELLO);
    writeFileSync(join(root, 'srv/www/data.bin'), data);
    writeFileSync(join(root, 'srv/www/sub/inner.txt'), 'inner\n');
  }, 1_800_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const underArm64kit = (program: string, args: readonly string[]) => runUnder(root, program, args);
  const underQemu = (program: string, args: readonly string[]) => [
    QEMU,
    '-L',
    root,
    join(root, program),
    ...args,
  ];

  /** The same client command under qemu and arm64kit: equal outcomes (dates aside), no host path. */
  async function sameAsQemu(program: string, args: readonly string[]): Promise<Outcome> {
    const expected = withoutDates(await execute(underQemu(program, args)));
    const actual = withoutDates(await execute(underArm64kit(program, args)));
    expect(actual.stdout).not.toContain(root);
    expect(actual.stderr).not.toContain(root);
    expect(actual, actual.stderr).toEqual(expected);
    expect(actual.status).toBe(0);
    return actual;
  }

  describe('a guest python3 -m http.server', () => {
    let server: RunningServer | undefined;
    let base: string;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      server = await startServer(
        underArm64kit('/usr/bin/python3', [
          '-m',
          'http.server',
          '--bind',
          '127.0.0.1',
          '--directory',
          '/srv/www',
          String(port),
        ]),
        port,
        120_000,
      );
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
    });

    it('answers the guest curl as it answers curl under qemu', async () => {
      const head = await sameAsQemu('/usr/bin/curl', ['-sS', '-i', `${base}/hello.txt`]);
      expect(head.stdout).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(head.stdout).toContain(`Content-Length: ${HELLO.length}\r\n`);
      expect(head.stdout.endsWith(`\r\n\r\n${HELLO}`)).toBe(true);

      const written = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{size_download}\\n'];
      // --next starts a request with options of its own; the last is a POST, which SimpleHTTP refuses.
      const codes = await sameAsQemu('/usr/bin/curl', [
        ...written,
        `${base}/hello.txt`,
        '--next',
        ...written,
        `${base}/missing`,
        '--next',
        ...written,
        '-d',
        'x=1',
        `${base}/`,
      ]);
      expect(codes.stdout.split('\n')[0]).toBe(`200 ${HELLO.length}`);
      expect(codes.stdout.split('\n')[1]).toMatch(/^404 \d+$/);
      expect(codes.stdout.split('\n')[2]).toMatch(/^501 \d+$/);

      const listing = await sameAsQemu('/usr/bin/curl', ['-sS', `${base}/sub/`]);
      expect(listing.stdout).toContain('<a href="inner.txt">inner.txt</a>');

      const big = await sameAsQemu('/usr/bin/curl', ['-sS', `${base}/data.bin`]);
      expect(sha256(Buffer.from(big.stdout, 'latin1'))).toBe(sha256(data));
    }, 300_000);

    it("answers the guest python's urllib as under qemu", async () => {
      const out = await sameAsQemu('/usr/bin/python3', [
        '-c',
        URLLIB,
        `${base}/hello.txt`,
        `${base}/data.bin`,
        `${base}/missing`,
      ]);
      const lines = out.stdout.split('\n');
      expect(lines[0]).toBe(`200 text/plain ${HELLO.length} ${sha256(HELLO)}`);
      expect(lines[1]).toBe(HELLO.trimEnd());
      expect(lines[3]).toBe(`200 application/octet-stream ${data.length} ${sha256(data)}`);
      expect(lines[4]).toMatch(/^404 text\/html;charset=utf-8 \d+ [0-9a-f]{64}$/);
    }, 300_000);

    it("answers the host's fetch with the files' bytes", async () => {
      const hello = await fetch(`${base}/hello.txt`);
      expect(hello.status).toBe(200);
      expect(await hello.text()).toBe(HELLO);
      const big = await fetch(`${base}/data.bin`);
      expect(big.headers.get('content-length')).toBe(String(data.length));
      expect(Buffer.from(await big.arrayBuffer()).equals(data)).toBe(true);
      const missing = await fetch(`${base}/missing`);
      expect(missing.status).toBe(404);
      await missing.arrayBuffer();
      // The server logged every request it answered, the host's among them, from 127.0.0.1.
      const log = server?.stderr() ?? '';
      expect(log).toMatch(/^127\.0\.0\.1 - - \[.*\] "GET \/data\.bin HTTP\/1\.1" 200 -$/m);
      expect(log).not.toContain(root);
    }, 300_000);
  });

  describe('a host HTTP server', () => {
    let host: Server;
    let base: string;

    beforeAll(async () => {
      host = createServer((request, response) => {
        // No Date header: the responses are the same bytes every time.
        response.sendDate = false;
        const chunks: Buffer[] = [];
        request.on('data', (b: Buffer) => chunks.push(b));
        request.on('end', () => {
          if (request.url === '/greeting') response.end('hello from the host\n');
          else if (request.url === '/echo') {
            response.setHeader('Content-Type', 'text/plain');
            response.end(`${request.method} ${request.headers['content-type']} ${Buffer.concat(chunks)}\n`);
          } else if (request.url === '/data.bin') response.end(data);
          else {
            response.statusCode = 418;
            response.end('teapot\n');
          }
        });
      });
      await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
      const address = host.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });

    afterAll(async () => {
      host?.closeAllConnections();
      await new Promise((resolve) => host?.close(resolve));
    });

    it('is answered to the guest curl as to curl under qemu', async () => {
      const greeting = await sameAsQemu('/usr/bin/curl', ['-sS', '-i', `${base}/greeting`]);
      expect(greeting.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(greeting.stdout.endsWith('\r\n\r\nhello from the host\n')).toBe(true);
      const echo = await sameAsQemu('/usr/bin/curl', ['-sS', '-d', 'a=1&b=2', `${base}/echo`]);
      expect(echo.stdout).toBe('POST application/x-www-form-urlencoded a=1&b=2\n');
      const teapot = await sameAsQemu('/usr/bin/curl', ['-sS', '-w', '%{http_code}\\n', `${base}/other`]);
      expect(teapot.stdout).toBe('teapot\n418\n');
      const big = await sameAsQemu('/usr/bin/curl', ['-sS', `${base}/data.bin`]);
      expect(sha256(Buffer.from(big.stdout, 'latin1'))).toBe(sha256(data));
    }, 300_000);

    it("is answered to the guest python's urllib as under qemu", async () => {
      const out = await sameAsQemu('/usr/bin/python3', ['-c', URLLIB, `${base}/echo`, `${base}/other`]);
      const echoed = 'POST application/x-www-form-urlencoded posted\n';
      expect(out.stdout.split('\n').slice(0, 4)).toEqual([
        `200 text/plain ${echoed.length} ${sha256(echoed)}`,
        'POST application/x-www-form-urlencoded posted',
        '',
        `418 None 7 ${sha256('teapot\n')}`,
      ]);
    }, 300_000);
  });
});
