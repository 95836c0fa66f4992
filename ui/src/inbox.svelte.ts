// What the reviewer's workspace shares between its views and the window:
// importing packages (the open dialog, or files dropped on the window) and
// a counter the inbox watches to list again.

import { app } from "./state.svelte";

class InboxState {
  /** Bumped after every import: the inbox lists again. */
  version = $state(0);

  /** Imports the files and says, one line per file, what happened. */
  async receive(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    try {
      const lines = await app.backend.receivePackages(paths);
      const failed = lines.filter((l) => !l.ok);
      const text = lines.length === 1
        ? `${lines[0].file}：${lines[0].message}`
        : `导入 ${lines.length} 个文件：${lines.length - failed.length} 个已导入` +
          (failed.length ? `；未导入：${failed.map((l) => `${l.file}（${l.message}）`).join("；")}` : "");
      app.notify(text, undefined, failed.length ? 15000 : 6000);
    } catch (e) {
      app.notify(e instanceof Error ? e.message : String(e));
    }
    this.version++;
  }
}

export const inbox = new InboxState();
