import { describe, expect, it, vi } from "vitest";

// The generated bindings are replaced: these tests check the one wrapper.
vi.mock("./bindings/commands", () => ({
  commands: {
    validate: vi.fn(async (d: { ok: boolean }) =>
      d.ok
        ? { status: "ok", data: { form: "application", findings: [], totals: null, errors: 0, warnings: 0 } }
        : { status: "error", error: { code: "invalid_document", message: "不是文档" } },
    ),
    openDraft: vi.fn(async () => {
      throw "command open_draft not allowed by ACL";
    }),
  },
}));

import { BackendError, tauriBackend } from "./backend";

describe("backend wrapper", () => {
  it("returns data of ok results", async () => {
    const r = await tauriBackend.validate({ ok: true });
    expect(r.errors).toBe(0);
  });

  it("throws the shell's {code, message} as a BackendError", async () => {
    const e = await tauriBackend.validate({ ok: false }).catch((e) => e);
    expect(e).toBeInstanceOf(BackendError);
    expect(e.code).toBe("invalid_document");
    expect(e.message).toBe("不是文档");
  });

  it("turns framework rejections into code ipc", async () => {
    const e = await tauriBackend.openDraft("x").catch((e) => e);
    expect(e).toBeInstanceOf(BackendError);
    expect(e.code).toBe("ipc");
  });
});
