import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Fills `bytes` with random bytes from the host's /dev/urandom, the pool the kernel's getrandom
 * draws from. Read as a file rather than through node:crypto: loading that module (and the
 * stream machinery it brings) costs more at start-up than every program's AT_RANDOM and
 * getrandom reads together. A host without /dev/urandom gets node:crypto's bytes.
 */
export function fillRandom(bytes: Uint8Array): Uint8Array {
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return cryptoFill(bytes);
  }
  try {
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(fd, bytes, done, bytes.length - done, null);
      if (n <= 0) {
        cryptoFill(bytes.subarray(done));
        break;
      }
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

function cryptoFill(bytes: Uint8Array): Uint8Array {
  process.getBuiltinModule('node:crypto').randomFillSync(bytes);
  return bytes;
}
