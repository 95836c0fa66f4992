// The editor's undo of row deletions (Ctrl+Z and the toast's 撤销).

import { UndoStack, reinsert, type Deleted } from "./lib/undo";
import { app } from "./state.svelte";

class RowUndo {
  private stack = new UndoStack<unknown>();
  /** The document whose lists the entries refer to. */
  doc: Record<string, any> | null = null;
  size = $state(0);

  push(entry: Deleted<unknown>): void {
    this.stack.push(entry);
    this.size = this.stack.size;
  }

  /** Puts the last deleted row back; false when there is none. */
  undo(): boolean {
    const entry = this.stack.pop();
    this.size = this.stack.size;
    if (!entry || !this.doc) return false;
    const rows = this.doc[entry.list];
    if (!Array.isArray(rows)) return false;
    const at = reinsert(rows, entry);
    app.notify(`已恢复第 ${at + 1} 行。`, undefined, 3000);
    return true;
  }

  reset(doc: Record<string, any> | null): void {
    this.stack.clear();
    this.size = 0;
    this.doc = doc;
  }
}

export const undo = new RowUndo();
