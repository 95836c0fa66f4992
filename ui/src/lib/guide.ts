// 使用说明: the user guide (docs/使用说明.md, the same file the docs folder
// ships) read into blocks the Help view renders as Svelte elements — the
// guide never becomes markup through innerHTML. Only the subset the guide
// uses: `#`/`##` headings, paragraphs, `1.` and `-` lists (continued by
// indented lines), an image alone on its line, and `code` spans.

export type Inline = { text: string; code: boolean };
export type Block =
  | { kind: "h1" | "h2"; text: string }
  | { kind: "p"; parts: Inline[] }
  | { kind: "ol" | "ul"; items: Inline[][] }
  | { kind: "img"; alt: string; file: string };

/** Splits text at `code` spans; an unclosed backtick stays literal. */
export function inline(text: string): Inline[] {
  const parts: Inline[] = [];
  let rest = text;
  for (;;) {
    const open = rest.indexOf("`");
    const close = open < 0 ? -1 : rest.indexOf("`", open + 1);
    if (close < 0) break;
    if (open > 0) parts.push({ text: rest.slice(0, open), code: false });
    parts.push({ text: rest.slice(open + 1, close), code: true });
    rest = rest.slice(close + 1);
  }
  if (rest !== "") parts.push({ text: rest, code: false });
  return parts;
}

/** The screenshots the guide shows, as bundled URLs by file name (only
 * these are bundled; a test checks the guide uses no other). */
const shotUrls = import.meta.glob(
  ["../../../docs/screenshots/editor-data-disk-error.png", "../../../docs/screenshots/signing.png", "../../../docs/screenshots/inbox.png"],
  { eager: true, query: "?url", import: "default" },
) as Record<string, string>;
export function guideShot(file: string): string | undefined {
  return shotUrls[`../../../docs/screenshots/${file}`];
}

const IMAGE = /^!\[([^\]]*)\]\(([^)\s]+)\)$/;
const ORDERED = /^\d+\.\s+/;
const BULLET = /^-\s+/;

/** The guide's blocks, in order. Chinese lines join without a space. */
export function parseGuide(markdown: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list = null as { kind: "ol" | "ul"; items: string[] } | null;
  const endPara = () => {
    if (para.length) blocks.push({ kind: "p", parts: inline(para.join("")) });
    para = [];
  };
  const endList = () => {
    if (list) blocks.push({ kind: list.kind, items: list.items.map(inline) });
    list = null;
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const text = line.trim();
    if (text === "") {
      endPara();
      continue;
    }
    const image = IMAGE.exec(text);
    const heading = /^(#{1,2})\s+(.*)$/.exec(text);
    const ordered = ORDERED.exec(text);
    const bullet = BULLET.exec(text);
    if (heading || image) {
      endPara();
      endList();
      if (heading) blocks.push({ kind: heading[1].length === 1 ? "h1" : "h2", text: heading[2] });
      else if (image) blocks.push({ kind: "img", alt: image[1], file: image[2].split("/").pop() ?? "" });
    } else if (ordered || bullet) {
      endPara();
      const kind = ordered ? "ol" : "ul";
      if (list?.kind !== kind) {
        endList();
        list = { kind, items: [] };
      }
      list!.items.push(text.slice((ordered ?? bullet)![0].length));
    } else if (list && line.startsWith(" ")) {
      list.items[list.items.length - 1] += text;
    } else {
      endList();
      para.push(text);
    }
  }
  endPara();
  endList();
  return blocks;
}
