// What every view shares: the backend, the policy's catalogs and the paper
// labels (both sent by Rust once at start), and the current route.

import { tauriBackend, type AppInfo, type Backend, type Catalogs, type FormKind, type FormLabels } from "./backend";
import { pattern } from "./lib/paths";

export type Route =
  | { view: "home" }
  | { view: "editor"; id: string }
  | { view: "signing" }
  | { view: "inbox" }
  | { view: "package"; sha256: string }
  | { view: "demand_summary" }
  | { view: "help" };

class AppState {
  backend: Backend = tauriBackend;
  info = $state<AppInfo | null>(null);
  catalogs = $state<Catalogs | null>(null);
  labels = $state<FormLabels[]>([]);
  route = $state<Route>({ view: "home" });
  /** A short message at the bottom of the window. */
  toast = $state<{ text: string; action?: { label: string; run: () => void } } | null>(null);
  private toastTimer: ReturnType<typeof setTimeout> | null = null;

  async load(): Promise<void> {
    const [info, catalogs, labels] = await Promise.all([
      this.backend.appInfo(),
      this.backend.catalogs(),
      this.backend.fieldLabels(),
    ]);
    this.info = info;
    this.catalogs = catalogs;
    this.labels = labels;
  }

  /** The paper label of a field path in a form (from the core's types). */
  label(form: FormKind, path: string, fallback = ""): string {
    const p = pattern(path);
    const f = this.labels.find((l) => l.form === form);
    return f?.labels.find((l) => l.path === p)?.label ?? fallback;
  }

  /** The forms, in the order of the measures' attachments (the core's order). */
  get forms(): FormKind[] {
    return this.labels.map((l) => l.form);
  }

  /** The forms the editor has a page for: the 新建 buttons (every form). */
  get newForms(): FormKind[] {
    return this.forms;
  }

  shortName(form: FormKind): string {
    return this.labels.find((l) => l.form === form)?.short_name ?? form;
  }

  title(form: FormKind): string {
    return this.labels.find((l) => l.form === form)?.title ?? form;
  }

  notify(text: string, action?: { label: string; run: () => void }, ms = 6000): void {
    this.toast = { text, action };
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => (this.toast = null), ms);
  }
}

export const app = new AppState();
