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

  it('styles each severity mark through the painter it is given, and only then', () => {
    expect(renderFindings([error])).toContain('error broken');
    const painted = renderFindings([error, info], { paint: (severity, mark) => `<${severity}>${mark}</>` });
    expect(painted).toContain('<error>error</> broken\n');
    expect(painted).toContain('<info>ok   </> fine\n');
  });

  it('summarizes counts', () => {
    expect(summarize([info])).toBe('no problems found');
    expect(summarize([error, { ...error, severity: 'warning' }, error])).toBe('2 errors, 1 warning');
  });
});
