import type { Architecture } from '../../arch.js';
import type { PagedMemory } from '../../memory/paged-memory.js';
import { guestOpenFlags } from '../open-flags.js';
import { openFlagNames } from './flag-names.js';
import { type ArgKind, asLong, type CallView, errnoIn, errorResult, hex, pointer } from './format.js';
import { sigactionKind } from './sigaction-kind.js';
import { SIGNATURES, type Signature } from './signatures.js';
import { cloneKinds, fcntlArg, fcntlResult, openFlags, SOCKET_TYPE } from './special-kinds.js';

/**
 * One system call's trace line, strace style: the arguments are formatted when the call starts
 * (what it reads, such as a path, before the call can change or unmap it), and the ones the
 * call writes once it has returned. Reading guest memory here never faults the guest: what
 * cannot be read is shown as its address.
 */
export class TracedCall {
  private readonly signature: Signature | null;
  private readonly kinds: ArgKind[];
  /** The arguments formatted on entry (null for the ones the call writes). */
  private readonly entry: (string | null)[];

  constructor(
    private readonly memory: PagedMemory,
    private readonly arch: Architecture,
    private readonly name: string,
    private readonly args: readonly bigint[],
    /** How many arguments to show when the call has no signature. */
    private readonly arity: number,
  ) {
    const signature: Signature | undefined = SIGNATURES[name];
    this.signature = signature ?? null;
    this.kinds = signature ? this.resolve(signature) : [];
    const view: CallView = { memory, args, result: null };
    this.entry = this.kinds.map((kind, i) => (kind.exit ? null : kind.show(args[i] ?? 0n, view)));
  }

  /** `name(args) = result`; a null result for a call that has not returned (or never does). */
  line(result: bigint | null): string {
    if (!this.signature) {
      const shown = this.args.slice(0, this.arity).map(rawArg);
      return `${this.name}(${shown.join(', ')}) = ${result === null ? '?' : this.rawResult(result)}`;
    }
    const view: CallView = { memory: this.memory, args: this.args, result };
    const shown = this.kinds.map(
      (kind, i) =>
        this.entry[i] ??
        (result === null ? pointer(this.args[i] ?? 0n) : kind.show(this.args[i] ?? 0n, view)),
    );
    return `${this.name}(${shown.join(', ')}) = ${result === null ? '?' : this.result(result)}`;
  }

  private result(result: bigint): string {
    const errno = errnoIn(result);
    if (errno !== null) return errorResult(errno);
    const kind = this.signature?.result ?? 'int';
    if (kind === 'hex') return hex(result);
    if (kind === 'fcntl') return fcntlResult((v) => openFlags(this.openNames(), v))(result, this.args);
    return String(asLong(result));
  }

  private rawResult(result: bigint): string {
    const errno = errnoIn(result);
    return errno !== null ? errorResult(errno) : hex(result);
  }

  private openNames() {
    return openFlagNames(guestOpenFlags(this.arch));
  }

  /** The argument kinds actually shown (resolving the placeholders and the count). */
  private resolve(signature: Signature): ArgKind[] {
    if (signature.args.includes('clone')) return cloneKinds(this.args);
    const open: ArgKind = { show: (v) => openFlags(this.openNames(), v) };
    const kinds: ArgKind[] = [];
    for (const kind of signature.args) {
      if (kind === 'open') kinds.push(open);
      else if (kind === 'socketType') kinds.push(SOCKET_TYPE);
      else if (kind === 'sigaction' || kind === 'oldSigaction')
        kinds.push(sigactionKind((this.arch.syscalls.sigactionSize ?? 24) === 32, kind === 'oldSigaction'));
      else if (kind === 'fcntlArg') kinds.push(fcntlArg((v) => openFlags(this.openNames(), v)));
      else if (kind !== 'clone') kinds.push(kind);
    }
    const count = signature.count?.(this.args) ?? kinds.length;
    return kinds.slice(0, count);
  }
}

function rawArg(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  return s < 0n && s > -4096n ? s.toString() : hex(v);
}
