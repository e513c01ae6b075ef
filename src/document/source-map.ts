/** Where each JSON Pointer of a parsed YAML file was written. */
export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

export interface SourceMap {
  /** Position of the value at this JSON Pointer (for a map entry: the value node; for the root: 1:1). */
  value(ptr: string): Position | undefined;
  /** Position of the key of the map entry at this pointer (undefined for array items / root). */
  key(ptr: string): Position | undefined;
  /**
   * Best location for a diagnostic about ptr: the key if the pointer names a map entry, else the
   * value; if ptr does not exist, the nearest existing ancestor. Never undefined (root → 1:1).
   */
  locate(ptr: string): Position;
}

const root = (): Position => ({ line: 1, column: 1 });

/** A source map as plain data (structured-clonable), to cross to another thread and back. */
export interface SourceMapData {
  keys: Map<string, number>;
  values: Map<string, number>;
  /** Offsets where each line starts, ascending (yaml's LineCounter.lineStarts). */
  lineStarts: readonly number[];
}

/**
 * Records offsets while the parser walks the document and turns them into line/column only when
 * asked (a binary search in the line starts), so a 30k-line file costs two Map inserts per node.
 */
export class SourceMapBuilder implements SourceMap {
  private readonly keys: Map<string, number>;
  private readonly values: Map<string, number>;

  /** `lineStarts` may still grow while the parser runs (it is the LineCounter's own array). */
  constructor(private readonly lineStarts: readonly number[] = [], data?: Pick<SourceMapData, "keys" | "values">) {
    this.keys = data?.keys ?? new Map();
    this.values = data?.values ?? new Map();
  }

  static from(data: SourceMapData): SourceMapBuilder {
    return new SourceMapBuilder(data.lineStarts, data);
  }

  data(): SourceMapData {
    return { keys: this.keys, values: this.values, lineStarts: this.lineStarts };
  }

  private toPosition(offset: number): Position {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? { line: 1, column: offset + 1 } : { line: lo, column: offset - starts[lo - 1]! + 1 };
  }

  set(ptr: string, valueOffset: number, keyOffset?: number): void {
    this.values.set(ptr, valueOffset);
    if (keyOffset !== undefined) this.keys.set(ptr, keyOffset);
  }

  value(ptr: string): Position | undefined {
    if (ptr === "") return root();
    const offset = this.values.get(ptr);
    return offset === undefined ? undefined : this.toPosition(offset);
  }

  key(ptr: string): Position | undefined {
    const offset = this.keys.get(ptr);
    return offset === undefined ? undefined : this.toPosition(offset);
  }

  locate(ptr: string): Position {
    // Escaped pointer tokens never contain "/", so cutting at the last "/" gives the parent.
    for (let p = ptr; p !== ""; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) {
      const offset = this.keys.get(p) ?? this.values.get(p);
      if (offset !== undefined) return this.toPosition(offset);
    }
    return root();
  }
}
