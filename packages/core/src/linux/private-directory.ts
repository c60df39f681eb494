import { chmodSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A host directory private to one run, made on first use and removed with the run: what the
 * guest sees as a tmpfs mount (/dev/shm under a sysroot, where shm_open and sem_open create
 * their files). Removed at shutdown, and when the host process exits before that.
 */
export class PrivateDirectory {
  private dir: string | null = null;
  private readonly onExit = () => this.remove();

  constructor(
    /** A word for the temporary directory's name. */
    private readonly label: string,
    /** The mode the guest sees (a tmpfs mount's: 1777 for /dev/shm). */
    private readonly mode: number,
  ) {}

  /** The host directory, made now if it was not yet. */
  get host(): string {
    if (this.dir === null) {
      // As the host names it (its symlinks resolved), so /proc/self/fd links map back to the guest.
      this.dir = realpathSync(mkdtempSync(join(tmpdir(), `arm64kit-${this.label}-`)));
      chmodSync(this.dir, this.mode);
      process.once('exit', this.onExit);
    }
    return this.dir;
  }

  /** The host directory if it was made, else null. */
  get made(): string | null {
    return this.dir;
  }

  remove(): void {
    if (this.dir === null) return;
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    process.off('exit', this.onExit);
  }
}
