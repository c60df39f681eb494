/**
 * A small builder for WebAssembly modules in the binary format: function types (deduplicated),
 * imported functions and memory, defined functions with their locals and code, and function
 * exports. Just what the block compiler needs; see the core spec's "Binary Format" chapter.
 */
import { name, sized, u32 } from './encoding.js';
import { FUNCREF } from './opcodes.js';

/** i32, i64, f64. */
export type ValType = 0x7f | 0x7e | 0x7c;

interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

interface Import {
  readonly module: string;
  readonly field: string;
  readonly kind: 'func' | 'memory' | 'table';
  readonly type: number;
}

interface DefinedFunction {
  readonly type: number;
  readonly locals: readonly ValType[];
  readonly body: readonly number[];
}

const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: Import[] = [];
  private readonly functions: DefinedFunction[] = [];
  private readonly exports: { name: string; index: number }[] = [];
  private importedFunctions = 0;

  /** Index of the function type (params) → (results), added once. */
  type(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    let index = this.typeKeys.get(key);
    if (index === undefined) {
      index = this.types.push({ params, results }) - 1;
      this.typeKeys.set(key, index);
    }
    return index;
  }

  /** Imports a function; returns its function index. All imports must come before `func`. */
  importFunction(
    module: string,
    field: string,
    params: readonly ValType[],
    results: readonly ValType[],
  ): number {
    if (this.functions.length > 0) throw new Error('imports must be declared before functions');
    this.imports.push({ module, field, kind: 'func', type: this.type(params, results) });
    return this.importedFunctions++;
  }

  /**
   * Imports a memory (no declared minimum: any memory matches). A shared one must be declared
   * shared, with a maximum: the largest, so that any shared memory matches.
   */
  importMemory(module: string, field: string, shared = false): void {
    this.imports.push({ module, field, kind: 'memory', type: shared ? 1 : 0 });
  }

  /** Imports a table of function references (table 0; no declared limits: any table matches). */
  importTable(module: string, field: string): void {
    this.imports.push({ module, field, kind: 'table', type: 0 });
  }

  /** Index a function defined next will get (imports first, then definitions in order). */
  get nextFunctionIndex(): number {
    return this.importedFunctions + this.functions.length;
  }

  /** Defines a function; `body` is its code without the trailing `end`. Returns its index. */
  func(
    params: readonly ValType[],
    results: readonly ValType[],
    locals: readonly ValType[],
    body: readonly number[],
  ): number {
    this.functions.push({ type: this.type(params, results), locals, body });
    return this.nextFunctionIndex - 1;
  }

  exportFunction(exportName: string, index: number): void {
    this.exports.push({ name: exportName, index });
  }

  /**
   * The module's bytes. Function bodies are most of them: each is copied once, straight into the
   * result (a module of hundreds of blocks is megabytes, and this runs for every module the
   * tiered executor compiles).
   */
  bytes(): Uint8Array {
    const head: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, body: number[]) => {
      head.push(id);
      sized(head, body);
    };

    const types: number[] = [];
    u32(types, this.types.length);
    for (const t of this.types) {
      types.push(0x60);
      u32(types, t.params.length);
      types.push(...t.params);
      u32(types, t.results.length);
      types.push(...t.results);
    }
    section(SECTION.type, types);

    if (this.imports.length > 0) {
      const imports: number[] = [];
      u32(imports, this.imports.length);
      for (const imp of this.imports) {
        name(imports, imp.module);
        name(imports, imp.field);
        if (imp.kind === 'func') {
          imports.push(0x00);
          u32(imports, imp.type);
        } else if (imp.kind === 'table') {
          imports.push(0x01, FUNCREF, 0x00, 0x00);
        } else if (imp.type === 1) {
          imports.push(0x02, 0x03, 0x00); // shared, minimum 0, maximum 65536 pages
          u32(imports, 65536);
        } else {
          imports.push(0x02, 0x00, 0x00);
        }
      }
      section(SECTION.import, imports);
    }

    const declarations: number[] = [];
    u32(declarations, this.functions.length);
    for (const f of this.functions) u32(declarations, f.type);
    section(SECTION.function, declarations);

    const exports: number[] = [];
    u32(exports, this.exports.length);
    for (const e of this.exports) {
      name(exports, e.name);
      exports.push(0x00);
      u32(exports, e.index);
    }
    section(SECTION.export, exports);

    // The code section: per function its size, its locals (as runs of one type: (count, type)
    // pairs), its body and the closing `end`.
    const count: number[] = [];
    u32(count, this.functions.length);
    let codeSize = count.length;
    const prefixes = this.functions.map((f) => {
      const locals: number[] = [];
      const runs: [number, ValType][] = [];
      for (const t of f.locals) {
        const last = runs[runs.length - 1];
        if (last && last[1] === t) last[0]++;
        else runs.push([1, t]);
      }
      u32(locals, runs.length);
      for (const [n, t] of runs) {
        u32(locals, n);
        locals.push(t);
      }
      const size: number[] = [];
      u32(size, locals.length + f.body.length + 1);
      codeSize += size.length + locals.length + f.body.length + 1;
      return { size, locals };
    });
    head.push(SECTION.code);
    u32(head, codeSize);

    const out = new Uint8Array(head.length + codeSize);
    let at = 0;
    const put = (part: readonly number[]) => {
      out.set(part, at);
      at += part.length;
    };
    put(head);
    put(count);
    this.functions.forEach((f, i) => {
      put(prefixes[i].size);
      put(prefixes[i].locals);
      put(f.body);
      out[at++] = 0x0b;
    });
    if (at !== out.length) throw new Error('module size miscounted');
    return out;
  }
}
