// 导入审核结果 on the clerk's side: the reviewed packages' outcomes, by the
// id of the draft each document came from (a draft's id is its document's).

import type { ReviewResult } from "./backend";
import { app } from "./state.svelte";

class ReviewResults {
  private byDraft = $state<Record<string, ReviewResult>>({});

  async load(): Promise<void> {
    try {
      const all = await app.backend.reviewResults();
      this.byDraft = Object.fromEntries(all.map((r) => [r.document_id, r]));
    } catch (e) {
      app.notify(e instanceof Error ? e.message : String(e));
    }
  }

  of(draftId: string): ReviewResult | undefined {
    return this.byDraft[draftId];
  }

  /** Asks for a reviewed package and records where it ended. */
  async import(): Promise<void> {
    const path = await app.backend.chooseOpenPath("package");
    if (!path) return;
    try {
      const r = await app.backend.importReviewResult(path);
      app.notify(`已导入审核结果：${r.status_label}${r.opinion ? `（${r.opinion}）` : ""}`, undefined, 10000);
      await this.load();
    } catch (e) {
      app.notify(e instanceof Error ? e.message : String(e), undefined, 12000);
    }
  }
}

export const reviewResults = new ReviewResults();
