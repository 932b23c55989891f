"""The list pages' filter script (generator/templates/table-filter.js), run by Node on a stub page.

The page's HTML contract (a hidden form, one select per attribute, a marker per row) is tested
in test_site_pages.py; this runs the script itself on rows shaped like it. Browser tests cover
the real page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from generator.render import TEMPLATES

NODE = shutil.which("node") or shutil.which("nodejs")
#: .ci/run installs Node.js (with npm); there a missing one is a failure, never a skip.
IN_CI = os.environ.get("CI") == "true"

# A page with the attributes and elements the script reads; `steps` set filters and fire events.
HARNESS = r"""
const fs = require("fs");
const [script, spec] = [fs.readFileSync(process.argv[1], "utf8"), JSON.parse(process.argv[2])];
function element(attrs, extra) {
  const listeners = {};
  return Object.assign({
    attrs, style: {}, addEventListener(type, f) { (listeners[type] = listeners[type] || []).push(f); },
    fire(type) { (listeners[type] || []).forEach((f) => f({ preventDefault() {} })); },
    getAttribute(name) { return name in this.attrs ? this.attrs[name] : null; },
  }, extra);
}
const tbody = { rows: [], appendChild(tr) { this.rows.splice(this.rows.indexOf(tr), 1); this.rows.push(tr); } };
const trs = spec.rows.map((row) => ({ textContent: row.text, style: { display: "" }, parentNode: tbody }));
tbody.rows = trs.slice();
const markers = spec.rows.map((row, i) => element(
  Object.fromEntries(Object.entries(row.data).map(([k, v]) => ["data-" + k, v])), { closest: () => trs[i] }));
const selects = spec.selects.map((s) => element({ "data-filter-key": s.key },
  { value: "", options: s.options.map((value) => ({ value })) }));
const search = element({}, { value: "" });
const sort = spec.sort ? element({}, { value: "", options: spec.sort.map((value) => ({ value })) }) : null;
const count = { textContent: "" };
const form = element({ "data-filter-unit": "项" }, {
  hidden: true,
  querySelectorAll: () => selects,
  querySelector: (selector) => (selector.startsWith("input") ? search : selector.includes("sort") ? sort : count),
});
const state = { url: null };
global.document = { querySelectorAll: (selector) => (selector === "[data-row]" ? markers : [form]),
                    querySelector: () => null };  // a list of one page: no links to other pages
global.window = { location: { search: spec.search, pathname: "/items/" },
                  history: { replaceState(a, b, url) { state.url = url; } } };
new Function(script)();
const seen = () => Object.assign({ hidden: form.hidden, shown: trs.flatMap((tr, i) => (tr.style.display === "none" ? [] : [i])),
                      count: count.textContent, url: state.url }, sort ? { order: tbody.rows.map((tr) => trs.indexOf(tr)) } : {});
const out = [seen()];
for (const step of spec.steps) {
  if ("q" in step) { search.value = step.q; form.fire("input"); }
  else if ("sort" in step) { sort.value = step.sort; form.fire("change"); }
  else { selects.find((s) => s.attrs["data-filter-key"] === step.key).value = step.value; form.fire("change"); }
  out.push(seen());
}
console.log(JSON.stringify(out));
"""

ROWS = [
    {"data": {"body": "lsscjgj", "type": "行政处罚", "status": "在用"}, "text": "对销售过期食品的行政处罚"},
    {"data": {"body": "lsscjgj", "type": "行政许可", "status": "在用"}, "text": "食品经营许可"},
    {"data": {"body": "lslyj", "type": "行政许可", "status": "已取消"}, "text": "林木采伐许可"},
]
SELECTS = [{"key": "body", "options": ["", "lsscjgj", "lslyj"]}, {"key": "type", "options": ["", "行政处罚", "行政许可"]},
           {"key": "status", "options": ["", "在用", "已取消"]}]


def run(search: str = "", steps: list[dict] | None = None, rows: list[dict] = ROWS,
        sort: list[str] | None = None) -> list[dict]:
    spec = {"rows": rows, "selects": SELECTS, "search": search, "steps": steps or [], "sort": sort}
    done = subprocess.run([NODE, "-e", HARNESS, "--", str(TEMPLATES / "table-filter.js"), json.dumps(spec)],
                          capture_output=True, text=True, check=False, timeout=30)
    assert (done.returncode, done.stderr) == (0, "")
    return json.loads(done.stdout)


pytestmark = pytest.mark.skipif(NODE is None and not IN_CI, reason="Node.js is not installed (under CI=true this fails instead)")


def test_the_script_shows_the_form_and_every_row_until_a_filter_is_chosen():
    assert run()[0] == {"hidden": False, "shown": [0, 1, 2], "count": "显示 3 项，共 3 项", "url": "/items/"}


def test_filters_combine_and_the_address_keeps_them():
    steps = run(steps=[{"key": "type", "value": "行政许可"}, {"key": "body", "value": "lsscjgj"},
                       {"key": "type", "value": ""}, {"q": "食品"}, {"q": "采伐"}])
    assert [(s["shown"], s["count"], s["url"]) for s in steps[1:]] == [
        ([1, 2], "显示 2 项，共 3 项", "?type=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF"),
        ([1], "显示 1 项，共 3 项", "?body=lsscjgj&type=%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF"),
        ([0, 1], "显示 2 项，共 3 项", "?body=lsscjgj"),
        ([0, 1], "显示 2 项，共 3 项", "?body=lsscjgj&q=%E9%A3%9F%E5%93%81"),
        ([], "显示 0 项，共 3 项", "?body=lsscjgj&q=%E9%87%87%E4%BC%90"),
    ]


def test_a_linked_address_preselects_its_filters_and_ignores_unknown_values():
    assert run("?status=已取消&body=nobody")[0]["shown"] == [2]
    assert run("?q=许可")[0]["shown"] == [1, 2]


# The decision list: rows in the page's order (newest first), with a date and an amount (none when withdrawn).
DECISIONS = [
    {"data": {"body": "lsscjgj", "date": "2026-03-01", "amount": "6000"}, "text": "连山市监罚〔2026〕3号"},
    {"data": {"body": "lslyj", "date": "2025-07-15", "amount": ""}, "text": "连山林罚〔2025〕8号 已撤回"},
    {"data": {"body": "lsscjgj", "date": "2025-02-10", "amount": "50000"}, "text": "连山市监罚〔2025〕1号"},
    {"data": {"body": "lslyj", "date": "2024-11-30", "amount": "800.5"}, "text": "连山林罚〔2024〕20号"},
]
SORTS = ["", "date-asc", "amount-desc", "amount-asc"]


def test_sorting_orders_rows_by_number_or_date_puts_rows_without_a_value_last_and_keeps_the_filters():
    steps = run(rows=DECISIONS, sort=SORTS, steps=[
        {"sort": "amount-desc"}, {"sort": "amount-asc"}, {"sort": "date-asc"}, {"key": "body", "value": "lslyj"},
        {"sort": ""}])
    assert [(s["order"], s["shown"], s["url"]) for s in steps] == [
        ([0, 1, 2, 3], [0, 1, 2, 3], "/items/"),
        ([2, 0, 3, 1], [0, 1, 2, 3], "?sort=amount-desc"),  # 50000 > 6000 > 800.5 (as numbers), then none
        ([3, 0, 2, 1], [0, 1, 2, 3], "?sort=amount-asc"),
        ([3, 2, 1, 0], [0, 1, 2, 3], "?sort=date-asc"),
        ([3, 2, 1, 0], [1, 3], "?body=lslyj&sort=date-asc"),
        ([0, 1, 2, 3], [1, 3], "?body=lslyj"),  # back to the page's own order
    ]


def test_a_linked_address_restores_the_sort_and_ignores_an_unknown_one():
    assert run("?sort=amount-desc", rows=DECISIONS, sort=SORTS)[0]["order"] == [2, 0, 3, 1]
    assert run("?sort=title-asc", rows=DECISIONS, sort=SORTS)[0]["order"] == [0, 1, 2, 3]
