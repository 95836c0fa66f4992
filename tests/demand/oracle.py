"""An independent check of `gcforms demand summary`, written apart from the
Rust code: it recomputes the summary from the input files with its own
reading of SPEC §7 and compares it with the command's JSON, its CSV (read
with Python's csv module) and its workbook (read with openpyxl, installed by
scripts/deps).

usage: oracle.py POLICY.json SUMMARY.json SUMMARY.csv SUMMARY.xlsx INPUT...

The inputs are given in the command's order; every package among them must
verify (the Rust test checks refusals itself). Prints "ok" or fails with the
first difference.
"""

import csv
import datetime
import json
import sys
import zipfile

import openpyxl


def fail(message):
    sys.exit("oracle: " + message)


def same(what, got, want):
    if got == want:
        return
    if isinstance(got, list) and isinstance(want, list):
        for i, (g, w) in enumerate(zip(got, want)):
            if g != w:
                fail(f"{what}, entry {i + 1}: got {g!r}, want {w!r}")
        fail(f"{what}: got {len(got)} entries, want {len(want)}")
    fail(f"{what}: got {got!r}, want {want!r}")


policy_path, json_path, csv_path, xlsx_path, *inputs = sys.argv[1:]
policy = json.load(open(policy_path, encoding="utf-8"))
area_label = {key: entry["label"] for key, entry in policy["jurisdictions"].items()}
areas = list(area_label.items())  # (key, label) in the file's order
month, day = map(int, policy["sla"]["demand_estimate_due"].split("-"))
min_disk = policy["min_data_disk_gb"]

# Every estimate, in input order, with where it came from.
estimates = []
for path in inputs:
    data = json.load(open(path, encoding="utf-8"))
    if data.get("format") == "gcforms-package":
        for i, doc in enumerate(data["documents"]):
            if doc["data"]["form"] == "demand_estimate":
                estimates.append((path, f"第{i + 1}份文档", doc["data"]))
    else:
        estimates.append((path, "", data))

years = {e["year"] for _, _, e in estimates}
same("one year in the generated set", len(years), 1)
year = years.pop()
due = datetime.date(year - 1, month, day)

NUMBERS = ("hosts", "vcpu", "memory_gb", "storage_gb")

# Occurrences of each need (using unit, system), in order.
needs = {}
for index, (path, place, est) in enumerate(estimates):
    filer = est["unit_name"].strip()
    for row, item in enumerate(est["items"]):
        assert item["storage_gb"] >= item["hosts"] * min_disk, "generated items are valid"
        unit = (item.get("unit_name") or "").strip() or filer
        key = (unit, item["system_name"].strip())
        needs.setdefault(key, []).append(
            {
                "file": path,
                "place": f"{place}第{row + 1}行",
                "filer": filer,
                "area": est["jurisdiction"],
                "numbers": tuple(item[n] for n in NUMBERS),
            }
        )


def add(into, numbers):
    for n, v in zip(NUMBERS, numbers):
        into[n] = into.get(n, 0) + v


area_rows = {key: {"estimates": 0, "items": 0} for key, _ in areas}
for _, _, est in estimates:
    area_rows[est["jurisdiction"]]["estimates"] += 1
unit_rows = {}
total = {}
duplicates = {}
for (unit, system), seen in needs.items():
    own = [o for o in seen if o["filer"] == unit]
    counted = own[0] if own else seen[0]
    add(total, counted["numbers"])
    add(area_rows[counted["area"]], counted["numbers"])
    area_rows[counted["area"]]["items"] += 1
    row = unit_rows.setdefault((counted["area"], unit), {"items": 0})
    row["items"] += 1
    add(row, counted["numbers"])
    if len(seen) > 1:
        duplicates[(unit, system)] = (counted, [o for o in seen if o is not counted])

late = []
for path, place, est in estimates:
    submitted = datetime.date.fromisoformat(est["submit_date"])
    if submitted > due:
        late.append((est["unit_name"], path, place, est["submit_date"], (submitted - due).days))

# ------------------------------------------------------------- the JSON
summary = json.load(open(json_path, encoding="utf-8"))
same("year", summary["year"], year)
same("due date", summary["due_date"], due.isoformat())
same("estimates", summary["estimates"], len(estimates))
same("items", summary["items"], len(needs))
same("total", summary["total"], {n: total.get(n, 0) for n in NUMBERS})
same("areas, in the policy's order", [a["jurisdiction"] for a in summary["by_area"]], [k for k, _ in areas])
for got in summary["by_area"]:
    want = area_rows[got["jurisdiction"]]
    same(f"area {got['jurisdiction']} label", got["area"], area_label[got["jurisdiction"]])
    for n in ("estimates", "items") + NUMBERS:
        same(f"area {got['jurisdiction']} {n}", got[n], want.get(n, 0))
same("units", len(summary["by_unit"]), len(unit_rows))
for got in summary["by_unit"]:
    want = unit_rows[(got["jurisdiction"], got["unit_name"])]
    for n in ("items",) + NUMBERS:
        same(f"unit {got['unit_name']} {n}", got[n], want[n])
same("duplicates", len(summary["duplicates"]), len(duplicates))
for d in summary["duplicates"]:
    counted, others = duplicates[(d["unit_name"], d["system_name"])]
    same("counted at", (d["counted"]["file"], d["counted"]["place"]), (counted["file"], counted["place"]))
    same("also at", sorted((a["file"], a["place"]) for a in d["also"]), sorted((o["file"], o["place"]) for o in others))
    differ = any(o["numbers"] != counted["numbers"] for o in others)
    same("numbers differ", d["numbers_differ"], differ)
same(
    "late",
    [(l["unit_name"], l["file"], l["place"], l["submit_date"], l["days_late"]) for l in summary["late"]],
    late,
)
same("nothing left out", summary["not_counted"], [])

# --------------------------------------------------------------- the CSV
raw = open(csv_path, "rb").read()
same("CSV starts with a UTF-8 byte-order mark", raw[:3], b"\xef\xbb\xbf")
with open(csv_path, encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
sections = {}
current = None
for row in rows:
    if not row:
        current = None
    elif current is None:
        current = row[0]
        sections[current] = []
    else:
        sections[current].append(row)
same("CSV sections", list(sections), ["按地区", "按使用单位", "逾期填报", "重复计列"])
area_csv = sections["按地区"]
same("CSV area heads", area_csv[0], ["地区", "预估表(份)", "需求(项)", "主机(台)", "CPU(核)", "内存(GB)", "存储(GB)"])
for row, (key, label) in zip(area_csv[1:], areas):
    want = area_rows[key]
    same(f"CSV area {label}", row, [label] + [str(want.get(n, 0)) for n in ("estimates", "items") + NUMBERS])
same("CSV area total", area_csv[-1], ["合计", str(len(estimates)), str(len(needs))] + [str(total.get(n, 0)) for n in NUMBERS])
unit_csv = sections["按使用单位"][1:-1]
same("CSV units", len(unit_csv), len(unit_rows))
for row in unit_csv:
    key = next(k for k in unit_rows if k[1] == row[0] and area_label[k[0]] == row[1])
    want = unit_rows[key]
    same(f"CSV unit {row[0]}", [int(v) for v in row[2:]], [want[n] for n in ("items",) + NUMBERS])
same("CSV late rows", len(sections["逾期填报"]) - 1, len(late))
same("CSV duplicate rows", len(sections["重复计列"]) - 1, len(duplicates))

# ----------------------------------------------------------- the workbook
book = openpyxl.load_workbook(xlsx_path)
same("sheets", book.sheetnames, ["按地区", "按使用单位", "逾期填报", "重复计列"])
sheet = book["按地区"]
cells = list(sheet.iter_rows(values_only=True))
same("sheet heads", list(cells[0]), area_csv[0])
for row, (key, label) in zip(cells[1:], areas):
    want = area_rows[key]
    same(f"sheet area {label}", list(row[:7]), [label] + [want.get(n, 0) for n in ("estimates", "items") + NUMBERS])
    for value in row[1:7]:
        same(f"sheet area {label}: numbers are numbers", type(value), int)
same("sheet area total", list(cells[len(areas) + 1][:7]), ["合计", len(estimates), len(needs)] + [total.get(n, 0) for n in NUMBERS])
units_sheet = list(book["按使用单位"].iter_rows(values_only=True))
same("sheet units", len(units_sheet), len(unit_rows) + 2)
for row in units_sheet[1:-1]:
    key = next(k for k in unit_rows if k[1] == row[0] and area_label[k[0]] == row[1])
    same(f"sheet unit {row[0]}", list(row[2:7]), [unit_rows[key][n] for n in ("items",) + NUMBERS])
same("sheet units total", list(units_sheet[-1][2:7]), [len(needs)] + [total.get(n, 0) for n in NUMBERS])
same("sheet late rows", book["逾期填报"].max_row - 1, len(late))
for row in list(book["逾期填报"].iter_rows(values_only=True))[1:]:
    same("days late is a number", type(row[6]), int)
same("sheet duplicate rows", book["重复计列"].max_row - 1, len(duplicates))

# The charts: native bar charts over the eleven area rows of 按地区.
charts = sheet._charts
same("charts on 按地区", len(charts), 4)
for chart, column in zip(charts, "DEFG"):
    same("chart type", type(chart).__name__, "BarChart")
    same("bars run sideways", chart.type, "bar")
    series = chart.series[0]
    same("chart values", series.val.numRef.f, f"按地区!${column}$2:${column}${len(areas) + 1}")
    same("chart categories", series.cat.strRef.f, f"按地区!$A$2:$A${len(areas) + 1}")
with zipfile.ZipFile(xlsx_path) as z:
    parts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    same("chart parts", len(parts), 4)
    for part in parts:
        if b"<c:barChart>" not in z.read(part):
            fail(f"{part} is not a bar chart")
print("ok")
