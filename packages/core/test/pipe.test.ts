import { describe, expect, it } from 'vitest';
import {
  PIPE_CAPACITY,
  PipeBuffer,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  pollPipe,
  readPipe,
  writePipe,
} from '../src/linux/pipe.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? undefined);

describe('in-process pipes', () => {
  it('keeps bytes in order across the end of the ring', () => {
    const pipe = new PipeBuffer();
    pipe.readers = pipe.writers = 1;
    const chunk = new Uint8Array(PIPE_CAPACITY - 3).fill(7);
    expect(writePipe(pipe, chunk, true)).toBe(chunk.length);
    expect(readPipe(pipe, chunk.length, true)).toEqual(chunk);
    expect(writePipe(pipe, bytes('wrapped around'), true)).toBe(14);
    expect(text(readPipe(pipe, 100, true))).toBe('wrapped around');
  });

  it('reads EOF once no writer is left; while one is, EAGAIN or a wait (null)', () => {
    const pipe = new PipeBuffer();
    pipe.readers = pipe.writers = 1;
    expect(() => readPipe(pipe, 1, true)).toThrowError(expect.objectContaining({ errno: 11 }));
    expect(readPipe(pipe, 1, false)).toBeNull();
    pipe.writers = 0;
    expect(readPipe(pipe, 1, false)).toHaveLength(0);
  });

  it('writes atomically up to PIPE_BUF and partially beyond it when non-blocking', () => {
    const pipe = new PipeBuffer();
    pipe.readers = pipe.writers = 1;
    expect(writePipe(pipe, new Uint8Array(PIPE_CAPACITY - 100), true)).toBe(PIPE_CAPACITY - 100);
    expect(() => writePipe(pipe, new Uint8Array(200), true)).toThrowError(
      expect.objectContaining({ errno: 11 }),
    );
    expect(writePipe(pipe, new Uint8Array(5000), true)).toBe(100);
    expect(writePipe(pipe, new Uint8Array(1), false)).toBeNull();
    pipe.readers = 0;
    expect(writePipe(pipe, new Uint8Array(1), true)).toBe('broken');
  });

  it('keeps queued bytes when resized and refuses to shrink below them', () => {
    const pipe = new PipeBuffer();
    pipe.readers = pipe.writers = 1;
    writePipe(pipe, bytes('abc'), true);
    expect(pipe.resize(5000)).toBe(8192);
    expect(text(readPipe(pipe, 10, true))).toBe('abc');
    writePipe(pipe, new Uint8Array(6000), true);
    expect(() => pipe.resize(4096)).toThrowError(expect.objectContaining({ errno: 16 }));
  });

  it('polls like the kernel: data or hang-up on the read end, space or error on the write end', () => {
    const pipe = new PipeBuffer();
    pipe.readers = pipe.writers = 1;
    const reader = { buffer: pipe, end: 'read' as const };
    const writer = { buffer: pipe, end: 'write' as const };
    expect(pollPipe(reader, POLLIN)).toBe(0);
    expect(pollPipe(writer, POLLOUT)).toBe(POLLOUT);
    writePipe(pipe, bytes('x'), true);
    expect(pollPipe(reader, POLLIN)).toBe(POLLIN);
    pipe.writers = 0;
    expect(pollPipe(reader, POLLIN)).toBe(POLLIN | POLLHUP);
    pipe.readers = 0;
    expect(pollPipe(writer, POLLOUT)).toBe(POLLOUT | POLLERR);
  });
});
