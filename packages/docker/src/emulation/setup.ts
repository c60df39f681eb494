import { defaultInterpreter, formatRegistration, presetEntry, presetFor } from '@arm64kit/binfmt';
import { DockerError } from '../errors.js';
import { machineName, normalizeArchitecture } from '../platform.js';
import { hostRouteProblem, setupOnHost } from './setup-host.js';
import { setupThroughImage } from './setup-image.js';
import type {
  EmulationPlan,
  EmulationRequest,
  EmulationSetup,
  SetupEmulationOptions,
} from './setup-types.js';

/**
 * Registers a binfmt_misc handler for `arch` — on this host, or through a registration
 * image on the Docker engine — leaving every other entry alone, and returns what it
 * changed so that restore() puts the kernel back exactly.
 */
export async function setupEmulation(options: SetupEmulationOptions): Promise<EmulationSetup> {
  const request = resolveRequest(options);
  const via = options.via ?? (options.image ? 'image' : 'auto');
  if (via === 'host') {
    if (options.image) throw badInput('an image is given, but via is "host"');
    return setupOnHost(request, options);
  }
  if (via === 'image') return setupThroughImage(request, options);
  if (via !== 'auto') throw badInput(`via must be auto, host or image, not "${via}"`);
  const hostProblem = hostRouteProblem(request) ?? remoteEngineProblem(options);
  if (!hostProblem) return setupOnHost(request, options);
  return setupThroughImage(request, options, hostProblem);
}

/**
 * What setupEmulation(options) would register, and where, without touching binfmt_misc or the
 * engine: the entry's name and register line, and the route (`auto` decided as setupEmulation
 * decides it from this process and DOCKER_HOST; which registration image the image route would
 * use is only known once the engine is asked). Throws BAD_INPUT as setupEmulation does.
 */
export function planEmulation(options: SetupEmulationOptions): EmulationPlan {
  const request = resolveRequest(options);
  const via = options.via ?? (options.image ? 'image' : 'auto');
  if (via === 'host' && options.image) throw badInput('an image is given, but via is "host"');
  if (via !== 'auto' && via !== 'host' && via !== 'image')
    throw badInput(`via must be auto, host or image, not "${via}"`);
  const plan: EmulationPlan = {
    machine: request.machine,
    platform: `linux/${normalizeArchitecture(request.machine)}`,
    name: request.name,
    interpreter: request.interpreter,
    registration: request.registration,
    via: via === 'auto' ? 'host' : via,
    ...(options.image ? { image: options.image } : {}),
  };
  if (via === 'image') return plan;
  if (via === 'host') {
    const problem = hostRouteProblem(request);
    return problem ? { ...plan, hostProblem: problem } : plan;
  }
  const hostProblem = hostRouteProblem(request) ?? remoteEngineProblem(options);
  return hostProblem ? { ...plan, via: 'image', hostProblem } : plan;
}

function resolveRequest(options: SetupEmulationOptions): EmulationRequest {
  const machine = machineName(normalizeArchitecture(options.arch));
  const preset = presetFor(machine ?? options.arch);
  const interpreter = options.interpreter ?? defaultInterpreter(preset);
  const name = options.name ?? `qemu-${preset.arch}`;
  const preserveArgv0 = options.preserveArgv0 ?? true;
  const persistent = options.persistent ?? true;
  const entry = presetEntry(preset, { name, interpreter, preserveArgv0, persistent });
  return {
    machine: preset.arch,
    preset,
    interpreter,
    name,
    preserveArgv0,
    persistent,
    entry,
    registration: formatRegistration(entry),
  };
}

/** An engine elsewhere runs on another kernel: this host's binfmt_misc would not help it. */
function remoteEngineProblem(options: SetupEmulationOptions): string | undefined {
  const host = options.engine?.host ?? process.env.DOCKER_HOST;
  if (!host || host.startsWith('unix://')) return undefined;
  return `the engine at ${host} runs on another machine's kernel`;
}

function badInput(message: string): DockerError {
  return new DockerError('BAD_INPUT', message);
}
