export * from './builder.js';
export * from './fp.js';
export * from './operands.js';
export * from './optimize.js';
export * from './types.js';
export * from './vector.js';
