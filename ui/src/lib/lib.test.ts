import { describe, expect, it, vi } from "vitest";
import { byPath, fieldId, focusCandidates, focusTarget, joinPath, parsePath, pattern, rowOf } from "./paths";
import { debounce } from "./debounce";
import { UndoStack, reinsert } from "./undo";
import { clock, nextName, normalize, numberText, numberValue, today } from "./doc";

describe("paths", () => {
  it("parses and joins the core's paths", () => {
    expect(parsePath("hosts[2].data_disk_gb")).toEqual(["hosts", 2, "data_disk_gb"]);
    expect(parsePath("items[0].after.backup.copies")).toEqual(["items", 0, "after", "backup", "copies"]);
    expect(parsePath("")).toEqual([]);
    for (const p of ["hosts[10].name", "applicant.email", "items[1].before.vcpu", "data_disposition.keep_until"]) {
      expect(joinPath(parsePath(p))).toBe(p);
    }
  });

  it("maps a path to a stable, distinct DOM id", () => {
    expect(fieldId("hosts[2].data_disk_gb")).toBe("f-hosts-2--data_disk_gb");
    expect(fieldId("hosts[12].name")).not.toBe(fieldId("hosts[1].name"));
    expect(fieldId("")).toBe("f-document");
    expect(fieldId("applicant.unit_name")).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("drops indices for label patterns and finds the row", () => {
    expect(pattern("items[3].after.vcpu")).toBe("items[].after.vcpu");
    expect(rowOf("hosts[2].vcpu")).toBe(3);
    expect(rowOf("applicant.email")).toBeNull();
  });

  it("focuses the most specific existing element", () => {
    expect(focusCandidates("hosts[1].backup.copies")).toEqual([
      "hosts[1].backup.copies",
      "hosts[1].backup",
      "hosts[1]",
      "hosts",
      "",
    ]);
    const ids = new Set([fieldId("hosts[1].backup"), fieldId("hosts")]);
    expect(focusTarget("hosts[1].backup.copies", (id) => ids.has(id))).toBe(fieldId("hosts[1].backup"));
    expect(focusTarget("hosts[7].name", (id) => ids.has(id))).toBe(fieldId("hosts"));
    expect(focusTarget("remarks", () => false)).toBeNull();
  });

  it("groups findings by path", () => {
    const m = byPath([{ path: "a" }, { path: "b" }, { path: "a" }]);
    expect(m.get("a")?.length).toBe(2);
  });
});

describe("debounce", () => {
  it("runs once with the latest arguments after the quiet time", () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const d = debounce((n: number) => seen.push(n), 150);
    d(1);
    d(2);
    vi.advanceTimersByTime(149);
    expect(seen).toEqual([]);
    d(3);
    vi.advanceTimersByTime(150);
    expect(seen).toEqual([3]);
    vi.useRealTimers();
  });

  it("flushes now and cancels", async () => {
    vi.useFakeTimers();
    const seen: number[] = [];
    const d = debounce((n: number) => seen.push(n), 500);
    d(1);
    expect(d.pending).toBe(true);
    await d.flush();
    expect(seen).toEqual([1]);
    expect(d.pending).toBe(false);
    await d.flush();
    expect(seen).toEqual([1]);
    d(2);
    d.cancel();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual([1]);
    vi.useRealTimers();
  });
});

describe("undo", () => {
  it("restores deleted rows in reverse order at their place", () => {
    const rows = ["a", "b", "c", "d"];
    const u = new UndoStack<string>();
    u.push({ list: "hosts", index: 1, row: rows.splice(1, 1)[0] });
    u.push({ list: "hosts", index: 2, row: rows.splice(2, 1)[0] });
    expect(rows).toEqual(["a", "c"]);
    reinsert(rows, u.pop()!);
    reinsert(rows, u.pop()!);
    expect(rows).toEqual(["a", "b", "c", "d"]);
    expect(u.pop()).toBeUndefined();
  });

  it("clamps to the list and keeps a bounded history", () => {
    const rows: string[] = [];
    expect(reinsert(rows, { list: "hosts", index: 5, row: "x" })).toBe(0);
    const u = new UndoStack<number>(2);
    [1, 2, 3].forEach((n) => u.push({ list: "h", index: 0, row: n }));
    expect(u.size).toBe(2);
    expect(u.peek()?.row).toBe(3);
  });
});

describe("document helpers", () => {
  it("turns typed text into JSON without judging it", () => {
    expect(numberValue("")).toBeNull();
    expect(numberValue(" 80 ")).toBe(80);
    expect(numberValue("-3")).toBe(-3);
    expect(numberValue("8O")).toBe("8O");
    expect(numberValue("1.5")).toBe("1.5");
    expect(numberText(null)).toBe("");
    expect(numberText(100)).toBe("100");
  });

  it("names duplicated rows", () => {
    expect(nextName("bdc-web-01", ["bdc-web-01"])).toBe("bdc-web-02");
    expect(nextName("bdc-web-01", ["bdc-web-01", "BDC-WEB-02"])).toBe("bdc-web-03");
    expect(nextName("db", ["db"])).toBe("db-2");
    expect(nextName("", [])).toBe("");
  });

  it("fills the containers a form binds to", () => {
    const d = normalize({ form: "application", id: "x", hosts: [{ name: "a" }], totals: { hosts: 9 } });
    expect(d.applicant).toEqual({});
    expect((d.hosts as any[])[0].backup).toEqual({});
    expect(d.totals).toBeUndefined();
    const c = normalize({ form: "change", id: "y" });
    expect((c.items as any[]).length).toBe(1);
    const p = normalize({ form: "security_pledge", id: "z" });
    expect(p).toEqual({ form: "security_pledge", id: "z" });
  });

  it("formats dates and times", () => {
    const t = new Date(2026, 2, 5, 9, 7, 3);
    expect(today(t)).toBe("2026-03-05");
    expect(clock(t)).toBe("09:07:03");
  });
});
