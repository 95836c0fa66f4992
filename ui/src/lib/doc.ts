// Shapes of editable documents: filling in the containers a form binds to,
// new rows, and turning typed text into JSON values. No rule is checked here:
// the core does that, including for values this file passes through as typed.

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v.map(obj) as Json[]) : [];
}

/** A new host row of 附件1 (and of 附件3's before/after). */
export function newHost(): Json {
  return { name: "", quantity: 1, backup: {} };
}

/** A new 注销资源 row of 附件4. */
export function newCancelledHost(): Json {
  return { name: "", quantity: 1 };
}

/** A new 需求明细 row of the 资源需求预估表. */
export function newDemandItem(): Json {
  return { system_name: "" };
}

/** A new 变更内容 item of 附件3. */
export function newChangeItem(): Json {
  return { host_name: "", before: newHost(), after: newHost() };
}

function host(h: unknown): Json {
  const row = obj(h);
  row.backup = obj(row.backup);
  return row;
}

/**
 * Makes sure every container a form binds to exists (`applicant`, rows,
 * each row's `backup`), so inputs can bind without null checks. The result
 * validates the same as the input: empty objects only add "required"
 * findings the core reports anyway.
 */
export function normalize(doc: Json): Json {
  const d = { ...doc };
  switch (d.form) {
    case "application":
      d.applicant = obj(d.applicant);
      d.maintainer = obj(d.maintainer);
      d.hosts = arr(d.hosts).map(host);
      if ((d.hosts as Json[]).length === 0) d.hosts = [newHost()];
      // 总计 is derived, never typed: the editor shows the core's sums.
      delete d.totals;
      break;
    case "change":
      d.applicant = obj(d.applicant);
      d.maintainer = obj(d.maintainer);
      d.items = arr(d.items).map((it) => ({ ...it, before: host(it.before), after: host(it.after) }));
      if ((d.items as Json[]).length === 0) d.items = [newChangeItem()];
      break;
    case "cancellation":
      d.applicant = obj(d.applicant);
      d.maintainer = obj(d.maintainer);
      d.hosts = arr(d.hosts);
      if ((d.hosts as Json[]).length === 0) d.hosts = [newCancelledHost()];
      delete d.totals;
      break;
    case "demand_estimate":
      d.items = arr(d.items);
      if ((d.items as Json[]).length === 0) d.items = [newDemandItem()];
      break;
  }
  return d;
}

/**
 * The JSON value of a number field as typed: `""` → absent (null), digits →
 * a number, anything else stays text so the core can say it is not a number.
 */
export function numberValue(text: string): number | string | null {
  const t = text.trim();
  if (t === "") return null;
  if (/^[+-]?\d{1,15}$/.test(t)) return Number(t);
  return text;
}

/** The text a number field shows for a JSON value. */
export function numberText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return String(v);
}

/**
 * The name of a duplicated row: a trailing number counts up keeping its
 * width (`web-01` → `web-02`), else `-2` is appended; never one already used.
 */
export function nextName(name: string, used: string[]): string {
  const taken = new Set(used.map((u) => u.trim().toLowerCase()));
  const base = name.trim();
  if (!base) return "";
  const m = /^(.*?)(\d+)$/.exec(base);
  let stem = base + "-";
  let n = 2;
  let width = 1;
  if (m) {
    stem = m[1];
    n = Number(m[2]) + 1;
    width = m[2].length;
  }
  for (let i = 0; i < 10000; i++, n++) {
    const candidate = stem + String(n).padStart(width, "0");
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
  return base;
}

/** A deep copy of a plain JSON value. */
export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Today as YYYY-MM-DD in local time. */
export function today(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** hh:mm:ss of a time, for 「已保存 hh:mm:ss」. */
export function clock(t: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}
