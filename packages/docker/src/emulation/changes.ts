import type { BinfmtChange } from '@arm64kit/binfmt';
import type { EmulationChange, EmulationRequest } from './setup-types.js';

/**
 * What a setup's plan did, in the words of EmulationChange: the global switch turned on
 * (in `dir`), and the entry registered, replaced (with the status it had) or re-enabled.
 */
export function describeChanges(
  plan: readonly BinfmtChange[],
  previous: string | undefined,
  request: EmulationRequest,
  dir: string,
): EmulationChange[] {
  const { name, registration } = request;
  const changes: EmulationChange[] = [];
  if (plan.some((c) => c.op === 'global')) changes.push({ kind: 'enabled', dir });
  if (plan.some((c) => c.op === 'register')) {
    changes.push(
      previous === undefined
        ? { kind: 'registered', name, registration }
        : { kind: 'replaced', name, previousStatus: previous, registration },
    );
  } else if (plan.some((c) => c.op === 'enable')) {
    changes.push({ kind: 're-enabled', name });
  }
  return changes;
}
