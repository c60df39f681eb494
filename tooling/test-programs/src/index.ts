export { BENCH_PACKAGES } from './bench/debian.js';
export * from './build.js';
export * from './cases.js';
export * from './go-build.js';
export * from './harness.js';
export * from './tiny-elf.js';
