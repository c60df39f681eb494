import { type BinfmtChange, type BinfmtState, byteString, textOfByteString } from '@arm64kit/binfmt';
import { DockerError } from '../../errors.js';

/** What one run of the registration container reported. */
export interface RegistrarReport {
  /** Operations that failed, by their index in the list given, with the kernel's reason. */
  failures: { index: number; message: string }[];
  /** binfmt_misc on the engine's kernel after the operations. */
  state: BinfmtState;
}

/** The container's arguments for a list of changes (see REGISTRAR_SCRIPT). */
export function registrarArguments(changes: readonly BinfmtChange[]): string[] {
  return changes.flatMap((change) => {
    if (change.op === 'global') return ['global', change.enabled ? '1' : '0'];
    // Changes carry byte strings; the engine's API takes UTF-8 text.
    return change.op === 'register'
      ? ['register', textOfByteString(change.line)]
      : [change.op, textOfByteString(change.name)];
  });
}

/** Reads the container's NUL-separated records back. */
export function parseRegistrarOutput(stdout: string, stderr: string): RegistrarReport {
  const fields = stdout.split('\0');
  const failures: RegistrarReport['failures'] = [];
  const entries: BinfmtState['entries'] = [];
  let enabled: boolean | undefined;
  // Back to byte strings, as BinfmtHost and the plans hold status files.
  for (let i = 0; i < fields.length; ) {
    const kind = fields[i];
    if (kind === 'fatal') {
      throw new DockerError('EMULATION_UNAVAILABLE', fields[i + 1] ?? 'the registration container failed');
    }
    if (kind === 'fail') {
      failures.push({ index: Number(fields[i + 1]), message: fields[i + 2] ?? '' });
      i += 3;
    } else if (kind === 'global') {
      enabled = (fields[i + 1] ?? '').startsWith('enabled');
      i += 2;
    } else if (kind === 'entry') {
      const status = fields[i + 2] ?? '';
      // An entry removed while the directory was listed has no status file any more.
      if (status !== '') entries.push({ name: byteString(fields[i + 1] ?? ''), status: byteString(status) });
      i += 3;
    } else if (kind === '' && i === fields.length - 1) {
      break;
    } else {
      throw unexpected(stdout, stderr);
    }
  }
  if (enabled === undefined) throw unexpected(stdout, stderr);
  return { failures, state: { enabled, entries } };
}

function unexpected(stdout: string, stderr: string): DockerError {
  const shown = (stderr.trim() || stdout.replaceAll('\0', ' ').trim()).slice(0, 500);
  return new DockerError(
    'EMULATION_UNAVAILABLE',
    `the registration container did not answer as expected${shown ? `: ${shown}` : ''}`,
  );
}
