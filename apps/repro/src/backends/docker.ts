import { ReproError } from '../errors.js';
import type { Handler, ScenarioCase } from '../scenario.js';
import type {
  Backend,
  BackendInfo,
  CaseLayout,
  CcacheSource,
  Observed,
  RegistrationUsed,
} from './backend.js';
import { DEFAULT_BASE_IMAGE } from './dockerfile.js';
import { hostMachine } from './host-facts.js';

export interface DockerBackendOptions {
  baseImage?: string;
  ccache?: string;
  interpreter?: string;
}

export class DockerBackend implements Backend {
  readonly name = 'docker' as const;
  constructor(private readonly options: DockerBackendOptions = {}) {}
  info(): BackendInfo {
    return {
      host: hostMachine(),
      image: this.options.baseImage ?? DEFAULT_BASE_IMAGE,
      interpreter: 'qemu-aarch64-static',
    };
  }
  async prepare(): Promise<CcacheSource> {
    throw new ReproError('BACKEND_UNAVAILABLE', 'the docker backend is not available in this build yet');
  }
  layout(_c: ScenarioCase): CaseLayout {
    throw new ReproError('BACKEND_FAILED', 'not prepared');
  }
  async useHandler(_h: Handler): Promise<RegistrationUsed> {
    throw new ReproError('BACKEND_FAILED', 'not prepared');
  }
  async runCase(_c: ScenarioCase): Promise<Observed> {
    throw new ReproError('BACKEND_FAILED', 'not prepared');
  }
  async cleanup(): Promise<void> {}
}
