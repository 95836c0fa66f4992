// Undo of row deletions: each entry remembers the row and where it was.

export interface Deleted<T> {
  /** The list the row was in, e.g. `hosts`. */
  list: string;
  /** Its index when deleted. */
  index: number;
  /** The row itself. */
  row: T;
}

export class UndoStack<T> {
  private entries: Deleted<T>[] = [];
  constructor(private readonly limit = 50) {}

  push(entry: Deleted<T>): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.shift();
  }

  pop(): Deleted<T> | undefined {
    return this.entries.pop();
  }

  peek(): Deleted<T> | undefined {
    return this.entries[this.entries.length - 1];
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}

/** Puts a deleted row back at its index (or at the end if the list shrank). */
export function reinsert<T>(rows: T[], entry: Deleted<T>): number {
  const at = Math.min(entry.index, rows.length);
  rows.splice(at, 0, entry.row);
  return at;
}
