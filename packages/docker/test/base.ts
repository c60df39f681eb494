// The fixtures package depends on this one, so it cannot be a dependency of this one's
// tests (turbo rejects the cycle); its source is imported by path instead.
export { ensureArm64BaseImage } from '../../../tooling/fixtures/src/index.js';
