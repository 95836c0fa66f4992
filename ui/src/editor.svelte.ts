// The open document's validation state, shared by the editor's fields
// through context: each field shows the core's findings for its own path.

import { getContext, setContext } from "svelte";
import type { Finding, FormKind, ValidationReport } from "./backend";
import { byPath, fieldId, focusTarget } from "./lib/paths";

export class EditorCtx {
  report = $state<ValidationReport | null>(null);
  findings = $derived(byPath<Finding>(this.report?.findings ?? []));
  constructor(readonly form: FormKind) {}

  at(path: string): Finding[] {
    return this.findings.get(path) ?? [];
  }

  /** Focuses the input of a finding's path (or its nearest parent). */
  focus(path: string): boolean {
    const id = focusTarget(path, (id) => document.getElementById(id) !== null);
    if (!id) return false;
    const el = document.getElementById(id)!;
    el.scrollIntoView({ block: "center", behavior: "auto" });
    if (el instanceof HTMLElement) el.focus({ preventScroll: true });
    return true;
  }
}

const KEY = Symbol("editor");

export function provideEditor(ctx: EditorCtx): void {
  setContext(KEY, ctx);
}

export function editor(): EditorCtx {
  return getContext<EditorCtx>(KEY);
}

export { fieldId };
