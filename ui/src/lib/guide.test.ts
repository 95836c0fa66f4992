import { describe, expect, it } from "vitest";
import text from "../../../docs/使用说明.md?raw";
import { guideShot, parseGuide, inline } from "./guide";

// Every screenshot in docs/ (keys only: nothing is loaded).
const screenshots = Object.keys(import.meta.glob("../../../docs/screenshots/*.png"));

describe("使用说明", () => {
  it("reads the shipped guide: its sections, lists and screenshots", () => {
    const blocks = parseGuide(text);
    const headings = blocks.filter((b) => b.kind === "h2").map((b) => (b.kind === "h2" ? b.text : ""));
    expect(headings).toEqual(expect.arrayContaining(["一、填写", "二、打印与盖章", "三、导出与提交", "四、审核（审核工作台）"]));
    const images = blocks.flatMap((b) => (b.kind === "img" ? [b.file] : []));
    expect(images).toContain("inbox.png");
    // Every screenshot the guide shows is one the e2e tests take.
    for (const file of images) {
      expect(screenshots).toContain(`../../../docs/screenshots/${file}`);
      expect(guideShot(file), `${file} is bundled for the Help view`).toBeTruthy();
    }
    // A numbered item continued on the next lines is one item.
    const lists = blocks.filter((b) => b.kind === "ol");
    expect(lists.length).toBeGreaterThan(3);
    const first = lists[0].kind === "ol" ? lists[0].items[0].map((p) => p.text).join("") : "";
    expect(first).toContain("常用信息…");
  });

  it("keeps markup as text and splits code spans", () => {
    const blocks = parseGuide("# 标题\n\n<img src=x onerror=alert(1)> 与 `gcforms` 和 `未闭合\n- 甲\n  续\n- 乙\n");
    expect(blocks[0]).toEqual({ kind: "h1", text: "标题" });
    expect(blocks[1]).toEqual({
      kind: "p",
      parts: [
        { text: "<img src=x onerror=alert(1)> 与 ", code: false },
        { text: "gcforms", code: true },
        { text: " 和 `未闭合", code: false },
      ],
    });
    expect(blocks[2]).toEqual({ kind: "ul", items: [inline("甲续"), inline("乙")] });
  });
});
