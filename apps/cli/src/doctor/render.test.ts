import { describe, expect, it } from 'vitest';
import { renderFindings, summarize } from './render.js';
import type { Finding } from './types.js';

const error: Finding = { id: 'a', severity: 'error', title: 'broken', evidence: 'saw this', fix: 'do that' };
const info: Finding = { id: 'b', severity: 'info', title: 'fine', evidence: 'quiet' };

describe('render', () => {
  it('shows evidence, explanation and fix of problems, and only the title of passing checks', () => {
    const text = renderFindings([error, info]);
    expect(text).toContain('error broken\n      saw: saw this\n      fix: do that\n');
    expect(text).toContain('ok    fine\n');
    expect(text).not.toContain('quiet');
    expect(renderFindings([info], { verbose: true })).toContain('saw: quiet');
  });

  it('a fix shared by consecutive findings is printed once', () => {
    const text = renderFindings([error, { ...error, id: 'c', title: 'also broken' }]);
    expect(text.match(/do that/g)).toHaveLength(1);
    expect(text).toContain('fix: (the same command as above)');
  });

  it('colours only when asked', () => {
    expect(renderFindings([error])).not.toContain('\x1b[');
    expect(renderFindings([error], { color: true })).toContain('\x1b[31m');
  });

  it('summarizes counts', () => {
    expect(summarize([info])).toBe('no problems found');
    expect(summarize([error, { ...error, severity: 'warning' }, error])).toBe('2 errors, 1 warning');
  });
});
