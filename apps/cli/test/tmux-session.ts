import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An interactive program on a pseudo-terminal of its own: a detached tmux session of a fixed
 * size on a private server, driven with send-keys and read with capture-pane. The server's
 * socket lives in a temporary directory of its own (`tmux -S`): `tmux -L` would leave its socket
 * file in /tmp/tmux-UID, which kill-server does not remove. `close` kills the server and removes
 * the directory; call it in `finally`.
 */
export class TmuxSession {
  private readonly directory = mkdtempSync(join(tmpdir(), 'arm64kit-tmux-'));
  private readonly socket = join(this.directory, 'server');

  constructor(command: readonly string[], columns: number, rows: number) {
    const quoted = command.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
    try {
      // remain-on-exit keeps the pane (and what it shows) if the program ends early.
      this.tmux('-f', '/dev/null', 'new-session', '-d', '-x', String(columns), '-y', String(rows), quoted);
      this.tmux('set-option', '-g', 'remain-on-exit', 'on');
    } catch (error) {
      this.close(); // no caller holds this session to close it
      throw error;
    }
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** Keys as tmux names them ("echo hi", "Enter", "C-z"). */
  send(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /** Types `text` literally, then Enter. */
  line(text: string): void {
    this.tmux('send-keys', '-l', text);
    this.tmux('send-keys', 'Enter');
  }

  /** The terminal the pane's program runs on (a host pseudo-terminal). */
  paneTty(): string {
    return this.tmux('display-message', '-p', '#{pane_tty}').trim();
  }

  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-x', String(columns), '-y', String(rows));
  }

  /** The screen's lines, trailing blanks removed. */
  screen(): string[] {
    const lines = this.tmux('capture-pane', '-p')
      .split('\n')
      .map((l) => l.trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  /** Waits until `done(screen)` holds; throws with the screen after `timeoutMs`. */
  async waitFor(what: string, done: (screen: string[]) => boolean, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (done(screen)) return;
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; the screen:\n${screen.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  close(): void {
    spawnSync('tmux', ['-S', this.socket, 'kill-server']);
    rmSync(this.directory, { recursive: true, force: true });
  }
}
