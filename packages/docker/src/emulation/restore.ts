import type { DockerEngine } from '../engine.js';
import { DockerError } from '../errors.js';
import { restoreOnHost } from './setup-host.js';
import { restoreThroughImage } from './setup-image.js';
import type { EmulationRecord } from './setup-types.js';

/**
 * Undoes a setup recorded by EmulationSetup.keep(), from any process: the entry goes back
 * to exactly what it was, the global switch and mount too if the setup changed them.
 */
export async function restoreEmulation(
  record: EmulationRecord,
  options: { engine?: DockerEngine } = {},
): Promise<void> {
  if (
    !record ||
    typeof record !== 'object' ||
    typeof record.name !== 'string' ||
    !Array.isArray(record.changes)
  ) {
    throw new DockerError('BAD_INPUT', 'not an emulation record');
  }
  if (record.via === 'host') return restoreOnHost(record);
  if (record.via === 'image') return restoreThroughImage(record, options.engine);
  throw new DockerError(
    'BAD_INPUT',
    `an emulation record's via must be host or image, not "${String(record.via)}"`,
  );
}
