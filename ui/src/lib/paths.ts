// Finding paths (`hosts[2].data_disk_gb`, the core's format) ↔ form fields.
// Every input gets `id={fieldId(path)}`; a finding focuses the most specific
// element that exists for its path, walking up to its parents.

/** One step of a path: a member name or an array index. */
export type Segment = string | number;

/** Splits `hosts[2].backup.copies` into `["hosts", 2, "backup", "copies"]`. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  if (!path) return out;
  for (const part of path.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The inverse of {@link parsePath}. */
export function joinPath(segments: Segment[]): string {
  let s = "";
  for (const seg of segments) {
    if (typeof seg === "number") s += `[${seg}]`;
    else s += s ? `.${seg}` : seg;
  }
  return s;
}

/** The label pattern of a path: indices dropped, `hosts[].data_disk_gb`. */
export function pattern(path: string): string {
  return path.replace(/\[\d+\]/g, "[]");
}

/** The DOM id of the input for `path`; safe for `getElementById`. */
export function fieldId(path: string): string {
  return "f-" + (path || "document").replace(/\[(\d+)\]/g, "-$1").replace(/\./g, "--");
}

/** Paths to try, most specific first: the field, then each parent. */
export function focusCandidates(path: string): string[] {
  const segs = parsePath(path);
  const out: string[] = [];
  for (let n = segs.length; n > 0; n--) out.push(joinPath(segs.slice(0, n)));
  out.push("");
  return out;
}

/** The id to focus for a finding at `path`, given which ids exist. */
export function focusTarget(path: string, exists: (id: string) => boolean): string | null {
  for (const p of focusCandidates(path)) {
    const id = fieldId(p);
    if (exists(id)) return id;
  }
  return null;
}

/** Row number (1-based) of the first index in a path, for 「第N行」. */
export function rowOf(path: string): number | null {
  const seg = parsePath(path).find((s) => typeof s === "number");
  return typeof seg === "number" ? seg + 1 : null;
}

/** Groups items by their `path`. */
export function byPath<T extends { path: string }>(items: T[]): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const list = m.get(it.path);
    if (list) list.push(it);
    else m.set(it.path, [it]);
  }
  return m;
}
