"""数据开放 and the feed, read from the built sample site as a user downloads them: the Frictionless
datapackage.json, CSV / JSON / XLSX agreeing cell by cell, identical bytes from two builds, a valid
Atom feed, the sitemap and 404 page, no decision off display anywhere, no personal data.

The datapackage is checked here against the Data Package and Table Schema specifications (v1) by
`package_problems`, not by the `frictionless` package (40-odd dependencies). The same files pass
``frictionless validate open-data/datapackage.json`` (frictionless 5.21), which also checks
types, keys, byte counts and hashes.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import threading
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest

from generator import datapackage
from generator.checker import validate
from generator.render import visible

from .conftest import REPO, run_cli

TODAY = "2026-11-27"
BASE = "https://zfgs.lianshan.gov.cn/"
ATOM = "{http://www.w3.org/2005/Atom}"
OPEN = "open-data"

#: CSV resource → (JSON file, the list of the JSON record holding its rows or None, owner column, owner key).
TABLES = {
    "agencies": ("agencies", None, None, None),
    "agency-procedures": ("agencies", "procedures", "agency", "id"),
    "officers": ("officers", None, None, None),
    "items": ("items", None, None, None),
    "item-history": ("items", "history", "item", "code"),
    "benchmark-entries": ("benchmark-entries", None, None, None),
    "benchmark-tiers": ("benchmark-entries", "tiers", "entry", "id"),
    "decisions": ("decisions", None, None, None),
    "laws": ("laws", None, None, None),
    "law-articles": ("laws", "articles", "law", "id"),
}


def build(out: Path) -> Path:
    code, _, stderr = run_cli("build", "--root", str(REPO), "--out", str(out), "--today", TODAY)
    assert (code, stderr) == (0, "")
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the repository's sample data, as on 2026-11-27."""
    return build(tmp_path_factory.mktemp("open-data") / "site")


@pytest.fixture(scope="module")
def corpus():
    return validate(REPO).corpus


@pytest.fixture(scope="module")
def package(site: Path) -> dict:
    return json.loads((site / OPEN / "datapackage.json").read_text(encoding="utf-8"))


def parse_xml(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - the site this module just built, not untrusted input


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def records(site: Path, name: str) -> list[dict]:
    return json.loads((site / OPEN / f"{name}.json").read_text(encoding="utf-8"))["records"]


def value_at(record: Any, path: list[str]) -> Any:
    for part in path:
        record = record.get(part) if isinstance(record, dict) else None
    return record


def expected_rows(site: Path, table: str) -> list[dict]:
    """The rows a CSV file should hold, from the JSON file: its records, or the records in their lists."""
    name, list_key, owner, key = TABLES[table]
    if list_key is None:
        return records(site, name)
    return [{owner: record[key], "seq": index, **child} for record in records(site, name)
            for index, child in enumerate(record.get(list_key) or [], start=1)]


# --- the Data Package, checked against the specification ----------------------------------------

_NAME = re.compile(r"^[-a-z0-9._/]+$")
_TYPES = {"string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year",
          "yearmonth", "duration", "geopoint", "geojson", "any"}
_HASH = re.compile(r"^(?:[0-9a-f]{32}|sha256:[0-9a-f]{64})$")


def cast(text: str, spec: dict) -> Any:
    """A CSV cell read as its Table Schema field says (ValueError if it is not of that type)."""
    if text in spec.get("missingValues", [""]):
        return None
    kind = spec["type"]
    if kind == "integer":
        value: Any = int(text)
    elif kind == "number":
        value = float(text)
    elif kind == "boolean":
        value = {"true": True, "false": False}[text]
    elif kind == "date":
        value = datetime.date.fromisoformat(text).isoformat()
    elif kind in ("array", "object"):
        value = json.loads(text)
        if not isinstance(value, list if kind == "array" else dict):
            raise ValueError(f"not a JSON {kind}: {text}")
    else:
        value = text
    enum = spec.get("constraints", {}).get("enum")
    if enum is not None and value not in enum:
        raise ValueError(f"{value!r} not in {enum}")
    return value


def package_problems(folder: Path) -> list[str]:
    """What in `folder`/datapackage.json breaks the Data Package / Table Schema v1 specifications,
    or disagrees with the files it describes: sizes, hashes, headers, types, keys."""
    document = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    if document.get("profile") != "tabular-data-package" or not _NAME.match(document.get("name", "")):
        problems.append("package: profile or name")
    resources = document.get("resources")
    if not isinstance(resources, list) or not resources:
        return [*problems, "package: no resources"]
    names = [r.get("name", "") for r in resources]
    if len(set(names)) != len(names):
        problems.append("package: resource names repeat")
    keys: dict[str, dict[str, set]] = {}
    for resource in resources:
        name, path = resource.get("name", ""), resource.get("path", "")
        if not _NAME.match(name) or resource.get("profile") != "tabular-data-resource":
            problems.append(f"{name}: name or profile")
        if not isinstance(path, str) or path.startswith("/") or ".." in path.split("/") or "://" in path:
            problems.append(f"{name}: path {path!r} is not a relative path inside the package")
            continue
        data = (folder / path).read_bytes()
        if resource.get("bytes") != len(data):
            problems.append(f"{name}: bytes {resource.get('bytes')} != {len(data)}")
        if not _HASH.match(resource.get("hash", "")) or resource["hash"] != f"sha256:{hashlib.sha256(data).hexdigest()}":
            problems.append(f"{name}: hash")
        schema = resource.get("schema", {})
        fields = schema.get("fields", [])
        field_names = [f.get("name") for f in fields]
        if not fields or len(set(field_names)) != len(field_names):
            problems.append(f"{name}: no fields, or field names repeat")
        for spec in fields:
            if spec.get("type") not in _TYPES or not isinstance(spec.get("title"), str):
                problems.append(f"{name}.{spec.get('name')}: type or title")
        header, rows = csv_rows(folder / path)
        if header != field_names:
            problems.append(f"{name}: the CSV header is not the schema's field names")
            continue
        for number, row in enumerate(rows, start=2):
            if len(row) != len(fields):
                problems.append(f"{name} row {number}: {len(row)} cells")
                continue
            for text, spec in zip(row, fields, strict=True):
                try:
                    cast(text, {**spec, "missingValues": schema.get("missingValues", [""])})
                except (ValueError, KeyError) as exc:
                    problems.append(f"{name} row {number} {spec['name']}: {exc}")
        primary = schema.get("primaryKey", [])
        if not set(primary) <= set(field_names):
            problems.append(f"{name}: primary key {primary} is not among the fields")
            continue
        index = [field_names.index(f) for f in primary]
        values = [tuple(row[i] for i in index) for row in rows]
        if len(set(values)) != len(values) or any("" in value for value in values):
            problems.append(f"{name}: primary key {primary} not unique or empty")
        keys[name] = {f: {row[field_names.index(f)] for row in rows} for f in field_names}
    for resource in resources:
        for foreign in resource.get("schema", {}).get("foreignKeys", []):
            (own,), reference = foreign["fields"], foreign["reference"]
            (target,) = reference["fields"]
            if reference["resource"] not in keys or target not in keys[reference["resource"]]:
                problems.append(f"{resource['name']}: foreign key to a missing resource or field")
                continue
            missing = keys[resource["name"]][own] - keys[reference["resource"]][target] - {""}
            if missing:
                problems.append(f"{resource['name']}.{own}: {sorted(missing)} not in {reference['resource']}")
    return problems


def test_the_datapackage_describes_every_csv_file_and_agrees_with_it(site: Path, package: dict):
    folder = site / OPEN
    assert package_problems(folder) == []
    assert sorted(r["path"] for r in package["resources"]) == sorted(p.name for p in folder.glob("*.csv"))
    assert sorted(r["name"] for r in package["resources"]) == sorted(TABLES)
    assert package["created"] == f"{TODAY}T00:00:00+08:00"


def rewrite(path: Path, change) -> None:
    header, rows = csv_rows(path)
    change(header, rows)
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8-sig", newline="")


def test_the_checker_reports_a_changed_file_a_bad_cell_and_a_dangling_key(site: Path, tmp_path: Path):
    folder = tmp_path / "copy"
    folder.mkdir()
    for path in (site / OPEN).iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    rewrite(folder / "officers.csv", lambda header, rows: rows[0].__setitem__(header.index("agency"), "nowhere"))
    rewrite(folder / "decisions.csv", lambda header, rows: rows[0].__setitem__(header.index("published_on"), "2024-03-32"))
    rewrite(folder / "laws.csv", lambda header, rows: rows.append(rows[0]))
    assert package_problems(folder) == [
        "officers: hash",
        "decisions: hash",
        "decisions row 2 published_on: day is out of range for month",
        f"laws: bytes {(site / OPEN / 'laws.csv').stat().st_size} != {(folder / 'laws.csv').stat().st_size}",
        "laws: hash",
        "laws: primary key ['id'] not unique or empty",
        "officers.agency: ['nowhere'] not in agencies",
    ]


def test_fields_carry_the_chinese_titles_and_descriptions_of_the_json_schemas(package: dict):
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]}
    source = json.loads((REPO / "schemas/decision.schema.json").read_text(encoding="utf-8"))
    assert fields["decisions"]["party.name"] == {
        "name": "party.name", "title": "当事人·名称", "type": "string",
        "description": source["$defs"]["party"]["properties"]["name"]["description"]}
    assert fields["decisions"]["decided_on"]["type"] == "date"
    assert fields["decisions"]["outcome.fine"] == {
        "name": "outcome.fine", "title": "决定结果·罚款金额（元）", "type": "number", "description": "罚款金额，单位元。"}
    assert fields["decisions"]["type"]["constraints"]["enum"][:2] == ["行政许可", "行政处罚"]
    assert fields["officers"].keys() == {"agency", "name", "cert_no", "fields", "region", "status"}
    assert fields["officers"]["fields"]["type"] == "array"
    assert fields["items"]["time_limit.statutory_days"]["type"] == "integer"
    assert "party.minor" not in fields["decisions"]
    assert "reviewers" not in fields["agencies"]


# --- CSV, JSON and XLSX hold the same records ------------------------------------------------------

@pytest.mark.parametrize("table", sorted(TABLES))
def test_each_csv_row_is_its_json_record(site: Path, package: dict, table: str):
    schema = next(r["schema"] for r in package["resources"] if r["name"] == table)
    header, rows = csv_rows(site / OPEN / f"{table}.csv")
    expected = expected_rows(site, table)
    assert len(rows) == len(expected) > 0
    for row, record in zip(rows, expected, strict=True):
        for text, spec in zip(row, schema["fields"], strict=True):
            assert cast(text, spec) == value_at(record, spec["name"].split(".")), (table, spec["name"])


@pytest.mark.parametrize("name", sorted({name for name, *_ in TABLES.values()}))
def test_each_workbook_sheet_is_its_csv_file(site: Path, package: dict, name: str):
    from openpyxl import load_workbook

    book = load_workbook(site / OPEN / f"{name}.xlsx")
    tables = [r for r in package["resources"] if TABLES[r["name"]][0] == name]
    assert book.sheetnames == [r["title"] for r in tables] + ["字段说明"]
    for resource in tables:
        fields = resource["schema"]["fields"]
        header, *rows = list(book[resource["title"]].iter_rows(values_only=True))
        assert list(header) == [f["title"] for f in fields]
        _, csv_cells = csv_rows(site / OPEN / resource["path"])
        assert len(rows) == len(csv_cells)
        for cells, texts in zip(rows, csv_cells, strict=True):
            for cell, text, spec in zip(cells, texts, fields, strict=True):
                if isinstance(cell, datetime.datetime):
                    cell = cell.date().isoformat()
                elif spec["type"] in ("array", "object") and cell is not None:
                    cell = json.loads(cell)
                assert cell == cast(text, spec), (resource["name"], spec["name"])
    guide = list(book["字段说明"].iter_rows(values_only=True))[1:]
    assert [(row[0], row[2]) for row in guide] == [(r["title"], f["name"]) for r in tables
                                                   for f in r["schema"]["fields"]]


def test_csv_files_are_utf8_with_a_bom_for_excel(site: Path):
    for path in (site / OPEN).glob("*.csv"):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path.name
        header, _, _ = data.decode("utf-8").partition("\r\n")
        assert "\n" not in header and header.startswith("\ufeff"), path.name


def test_the_page_says_so_and_lists_every_file_with_its_hash(site: Path):
    page = (site / OPEN / "index.html").read_text(encoding="utf-8")
    assert "BOM" in page and "Excel" in page and "datapackage.json" in page
    for path in sorted((site / OPEN).iterdir()):
        if path.name != "index.html":
            assert f'href="{path.name}"' in page, path.name
            assert hashlib.sha256(path.read_bytes()).hexdigest() in page, path.name
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="open-data/"' in home  # in the nav


def test_the_page_counts_each_files_records_and_rows(site: Path, package: dict):
    page = (site / OPEN / "index.html").read_text(encoding="utf-8")
    for resource in package["resources"]:
        _, rows = csv_rows(site / OPEN / resource["path"])
        assert f"（{resource['title']}，{len(rows)} 行）" in page, resource["name"]
    for name in {name for name, *_ in TABLES.values()}:
        assert f'<td style="text-align: right;">{len(records(site, name))}</td>' in page, name


# --- the same data, the same bytes ------------------------------------------------------------------

def test_two_builds_of_the_same_data_write_identical_files(site: Path, tmp_path: Path):
    time.sleep(2)  # zip entry times have a resolution of two seconds
    again = build(tmp_path / "again")
    for name in ["feed.xml", *sorted(p.relative_to(site).as_posix() for p in (site / OPEN).iterdir())]:
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


def test_a_workbook_is_the_same_whatever_the_clock_says(monkeypatch: pytest.MonkeyPatch):
    table = datapackage.Table("t", "表", "", [datapackage.Field(("a",), "甲", "", "string"),
                                              datapackage.Field(("d",), "日期", "", "date")],
                              [{"a": "=1+1", "d": "2024-01-02"}], ["a"])
    dataset = datapackage.Dataset("t", "表", "", [], [table])
    day = datetime.date(2026, 11, 27)
    first = datapackage.xlsx_bytes(dataset, day, "县司法局")
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    second = datapackage.xlsx_bytes(dataset, day, "县司法局")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 27, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-11-27T00:00:00Z") == 2  # created and modified

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(first))["表"]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"  # text, never a formula
    assert sheet["B2"].value == datetime.datetime(2024, 1, 2) and sheet["B2"].number_format == "yyyy-mm-dd"


# --- the workbook writer --------------------------------------------------------------------------

def openpyxl_workbook(dataset: datapackage.Dataset, today: datetime.date, creator: str) -> bytes:
    """The workbook as openpyxl's write-only mode writes it (what datapackage did before writing
    SpreadsheetML itself): the reference the hand-written workbook must read back the same as."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def cell(sheet: Any, value: Any, bold: bool = False, column: Any = None) -> Any:
        if column is not None and column.type == "date" and isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, (list, dict)):
            value = datapackage.compact_json(value)
        out = WriteOnlyCell(sheet, value)
        if isinstance(value, str):
            out.data_type = "s"
        elif isinstance(value, datetime.date):
            out.number_format = "yyyy-mm-dd"
        if bold:
            out.font = Font(bold=True)
        return out

    book = Workbook(write_only=True)
    book.properties.creator, book.properties.title = creator, dataset.title
    book.properties.created = book.properties.modified = datetime.datetime.combine(today, datetime.time())
    for table in dataset.tables:
        sheet = book.create_sheet(table.title)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.fields, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = datapackage._width(column)
        sheet.append([cell(sheet, column.title, True) for column in table.fields])
        for row in table.rows:
            sheet.append([cell(sheet, datapackage.value_at(row, column.path), column=column) for column in table.fields])
    guide = book.create_sheet(datapackage.FIELDS_SHEET)
    guide.append([cell(guide, text, True) for text in ("工作表", "列名", "字段名", "类型", "说明")])
    for table in dataset.tables:
        for column in table.fields:
            guide.append([cell(guide, text) for text in
                          (table.title, column.title, column.name, column.type, column.description)])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        from openpyxl.writer.excel import ExcelWriter

        ExcelWriter(book, archive).save()  # not save(), which sets `modified` to the time of writing
    return out.getvalue()


def read_back(data: bytes) -> dict:
    """Everything of a workbook that openpyxl reads and a user sees: sheets, cells (value, type,
    number format, bold), column widths, frozen panes, and the document's properties."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheets = {sheet.title: {
        # An empty cell: no value, whether written as an empty string or not at all.
        "cells": [[(c.value, c.data_type if c.value is not None else None, c.number_format, bool(c.font.b))
                   for c in row] for row in sheet.iter_rows()],
        "widths": {key: d.width for key, d in sheet.column_dimensions.items() if d.customWidth},
        "frozen": sheet.freeze_panes,
    } for sheet in book.worksheets}
    p = book.properties
    return {"sheets": sheets, "order": book.sheetnames,
            "properties": (p.creator, p.title, p.created, p.modified)}


F = datapackage.Field
#: Values that are easy to get wrong in XML or in Excel's types, in more columns than A to Z.
TRICKY = datapackage.Dataset("t", "试表", "", [], [
    datapackage.Table("main", "主表", "", [
        F(("text",), "文字", "", "string"), F(("when",), "日期", "", "date"), F(("n",), "数", "", "number"),
        F(("i",), "整数", "", "integer"), F(("yes",), "是否", "", "boolean"), F(("list",), "列表", "", "array"),
        F(("nested", "deep"), "嵌套·深", "说明有 <尖括号> & \"引号\"", "object"),
        *[F((f"c{n}",), f"列{n}", "", "string") for n in range(24)]],
        [{"text": "=1+1", "when": "2024-01-02", "n": 12.75, "i": 10**15, "yes": True, "list": ["甲", "a\"b\\c"],
          "nested": {"deep": {"b": [1, 2.5], "a": None}}, "c23": "最后一列"},
         {"text": "  两端有空格 ", "when": "不是日期", "n": -0.0, "i": 0, "yes": False, "list": [],
          "nested": {"deep": {}}, "c0": "<b>&amp;</b>", "c1": "a\nb\tc", "c2": "𠀀 扩展B区汉字", "c3": "_x0041_"},
         {"text": "", "when": "1900-01-01", "n": 1e-7, "list": [{"k": "v"}, 1], "c5": "'单引号"},
         {"when": "1900-03-01", "i": -5, "c6": " "}], ["text"]),
    datapackage.Table("second", "第二表", "", [F(("a",), "甲", "", "string")], [{"a": "另一个表"}], ["a"]),
])


def test_the_workbook_reads_back_as_the_one_openpyxl_writes():
    day = datetime.date(2026, 11, 27)
    ours = datapackage.xlsx_bytes(TRICKY, day, "连山县司法局 & <平台>")
    theirs = openpyxl_workbook(TRICKY, day, "连山县司法局 & <平台>")
    assert read_back(ours) == read_back(theirs)
    assert read_back(ours)["sheets"]["主表"]["cells"][1][0][:2] == ("=1+1", "s")  # text, never a formula


def test_every_part_of_the_workbook_is_xml_and_declared():
    data = datapackage.xlsx_bytes(TRICKY, datetime.date(2026, 11, 27), "县司法局")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: ET.fromstring(archive.read(name)) for name in archive.namelist()}  # noqa: S314 - our own output
    types = parts["[Content_Types].xml"]
    declared = {e.get("PartName") for e in types if e.get("PartName")}
    assert declared == {f"/{name}" for name in parts if not name.endswith((".rels", "[Content_Types].xml"))}
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    assert [s.get("name") for s in parts["xl/workbook.xml"].iter(f"{main}sheet")] == ["主表", "第二表", "字段说明"]


def test_a_carriage_return_leading_spaces_and_every_digit_survive_the_workbook():
    # openpyxl writes "\r" as is (an XML parser reads it as "\n") and a number to 16 digits.
    table = datapackage.Table("t", "表", "", [F(("a",), "甲", "", "string"), F(("n",), "数", "", "number")],
                              [{"a": "第一行\r\n第二行", "n": 0.1 + 0.2}, {"a": "  缩进"}, {"a": "\t"}], ["a"])
    cells = read_back(datapackage.xlsx_bytes(datapackage.Dataset("t", "表", "", [], [table]),
                                             datetime.date(2026, 11, 27), "县司法局"))["sheets"]["表"]["cells"]
    assert [row[0][0] for row in cells[1:]] == ["第一行\r\n第二行", "  缩进", "\t"]
    assert cells[1][1][0] == 0.30000000000000004


@pytest.mark.parametrize(("value", "error", "message"), [
    pytest.param("长" * (datapackage.XLSX_CELL_LIMIT + 1), datapackage.CellTooLong, "表「甲」有 32768 个字符", id="too-long"),
    pytest.param("响铃\x07", datapackage.CellNotWritable, "表第 3 行含有 Excel 无法保存的控制字符 U+0007", id="control"),
    pytest.param(float("nan"), datapackage.CellNotWritable, "表「甲」的值 nan 无法写入", id="not-a-number"),
    pytest.param(float("inf"), datapackage.CellNotWritable, "表「甲」的值 inf 无法写入", id="infinite"),
    pytest.param(object, datapackage.CellNotWritable, "表「甲」的值 <class 'object'> 无法写入", id="not-a-value"),
])
def test_a_value_no_workbook_can_hold_is_refused_by_sheet_column_or_row(value: Any, error: type, message: str):
    table = datapackage.Table("t", "表", "", [F(("a",), "甲", "", "string")], [{"a": "好"}, {"a": value}], ["a"])
    with pytest.raises(error, match=re.escape(message)):
        datapackage.xlsx_bytes(datapackage.Dataset("t", "表", "", [], [table]), datetime.date(2026, 11, 27), "县司法局")


def test_a_table_longer_than_a_sheet_is_refused(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(datapackage, "XLSX_ROW_LIMIT", 3)  # Excel's: 1 048 576
    table = datapackage.Table("t", "表", "", [F(("a",), "甲", "", "string")], [{"a": "一"}, {"a": "二"}], ["a"])
    dataset = datapackage.Dataset("t", "表", "", [], [table])
    assert read_back(datapackage.xlsx_bytes(dataset, datetime.date(2026, 11, 27), "县司法局"))["sheets"]["表"]
    table.rows.append({"a": "三"})
    with pytest.raises(datapackage.CellNotWritable, match="表有 3 行，超过 Excel 工作表上限 2 行"):
        datapackage.xlsx_bytes(dataset, datetime.date(2026, 11, 27), "县司法局")


@pytest.mark.parametrize("value", [[], ["甲", "a\"b\\c\n\u2028", "\x00"], [1, "a"], [{"b": 1, "a": [1.5, None, True]}],
                                   {"z": 1, "a": "x"}, [[]]])
def test_a_list_or_object_cell_is_its_compact_json(value: Any):
    table = datapackage.Table("t", "表", "", [F(("a",), "甲", "", "array")], [{"a": value}], ["a"])
    assert datapackage.cells(table) == [[datapackage.compact_json(value)]]


@pytest.mark.parametrize("records", [[], [{}], [[]], [{"b": {"c": [1, {"d": None}], "a": []}, "z": "一\n二\"", "a": 1.5}],
                                     [{"n": n} for n in range(2345)]], ids=["none", "empty", "a-list", "nested", "many"])
def test_a_json_file_holds_the_dataset_with_a_compact_line_per_record(records: list):
    day = datetime.date(2026, 11, 27)
    dataset = datapackage.Dataset("t", "表", "说明", records, [])
    document = {"title": "表", "description": "说明", "date": "2026-11-27", "records": records}
    text = datapackage.json_bytes(dataset, day).decode("utf-8")
    assert json.loads(text) == document and text.endswith("}\n")
    lines = text.split("\n")
    if not records:
        assert '  "records": [],' in lines
        return
    first = lines.index('  "records": [') + 1
    assert lines[first:first + len(records) + 1] == [
        *(f"    {datapackage.compact_json(record)}," for record in records[:-1]),
        f"    {datapackage.compact_json(records[-1])}", "  ],"]


def test_no_worker_is_forked_while_other_threads_run():
    # `portal serve` watches files in threads: a fork would copy the locks they hold, not the threads.
    release = threading.Event()
    watcher = threading.Thread(target=release.wait)
    watcher.start()
    try:
        assert datapackage._processors() == 1
    finally:
        release.set()
        watcher.join()


def test_the_files_are_the_same_written_in_one_process_or_several(corpus):
    from generator.pages import context, open_data
    from generator.render import environment

    ctx = context(corpus, datetime.date.fromisoformat(TODAY), environment())
    sets = datapackage.datasets(ctx.corpus, ctx.schemas, ctx.site, ctx.shown, lambda d: open_data._extra(ctx, d))
    alone = datapackage.files(sets, ctx.today, ctx.site, workers=1)
    assert datapackage.files(sets, ctx.today, ctx.site, workers=2) == alone
    assert list(alone) == [f"{OPEN}/{name}" for name in (
        "agencies.json", "agencies.csv", "agency-procedures.csv", "agencies.xlsx", "officers.json", "officers.csv",
        "officers.xlsx", "items.json", "items.csv", "item-history.csv", "items.xlsx", "benchmark-entries.json",
        "benchmark-entries.csv", "benchmark-tiers.csv", "benchmark-entries.xlsx", "decisions.json", "decisions.csv",
        "decisions.xlsx", "laws.json", "laws.csv", "law-articles.csv", "laws.xlsx", "datapackage.json")]


# --- the feed ---------------------------------------------------------------------------------------

def test_the_feed_is_atom_with_the_required_elements_and_stable_ids(site: Path, corpus):
    root = parse_xml(site / "feed.xml")
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/{*}name"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), required
    assert root.findtext(f"{ATOM}id") == BASE + "feed.xml"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": BASE + "feed.xml", "alternate": BASE + "decisions/"}
    entries = root.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00\+08:00$")
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids)
    updated = []
    for entry in entries:
        id_ = entry.findtext(f"{ATOM}id")
        assert id_.startswith(BASE + "decisions/") and id_.endswith("/")
        assert (site / id_.removeprefix(BASE) / "index.html").is_file(), id_
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == id_
        assert entry.findtext(f"{ATOM}title").strip() and entry.findtext(f"{ATOM}summary").strip()
        for element in ("updated", "published"):
            assert stamp.match(entry.findtext(f"{ATOM}{element}")), element
        updated.append(entry.findtext(f"{ATOM}updated"))
    assert updated == sorted(updated, reverse=True)
    assert root.findtext(f"{ATOM}updated") == updated[0]


def test_a_withdrawn_decision_is_in_the_feed_as_its_notice(site: Path, corpus):
    root = parse_xml(site / "feed.xml")
    entries = {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}
    decision = corpus.decisions["连山市监罚〔2024〕29号"][0].value
    entry = entries["连山市监罚〔2024〕29号（已撤回）"]
    assert entry.findtext(f"{ATOM}updated") == "2024-09-24T00:00:00+08:00"  # the withdrawal date
    assert entry.findtext(f"{ATOM}published") == "2024-07-12T00:00:00+08:00"
    text = ET.tostring(entry, encoding="unicode")
    assert "撤回" in text and decision["withdrawal"]["reason"] in text
    for hidden in (decision["party"]["name"], decision["party"]["credit_code"], decision["facts"][:20], "30,000"):
        assert hidden not in text


def test_every_page_head_links_the_feed(site: Path):
    for page, href in (("index.html", "feed.xml"), ("decisions/index.html", "../feed.xml"),
                       ("open-data/index.html", "../feed.xml")):
        head = (site / page).read_text(encoding="utf-8").split("</head>")[0]
        assert f'<link rel="alternate" type="application/atom+xml" title="执法决定公示更新（Atom）" href="{href}">' \
            in head, page


# --- decisions off display: nowhere -------------------------------------------------------------

def site_texts(site: Path) -> dict[str, str]:
    """Every file of the site as text; a workbook as the XML inside it."""
    texts = {}
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(site).as_posix()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                texts[name] = "".join(archive.read(n).decode("utf-8") for n in archive.namelist())
        elif path.suffix != ".gz":
            texts[name] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def test_decisions_off_display_are_in_no_page_list_feed_download_or_sitemap(site: Path, corpus):
    today = datetime.date.fromisoformat(TODAY)
    hidden = [refs[0] for refs in corpus.decisions.values()
              if not visible(refs[0].value, today, corpus.site.data)]
    assert len(hidden) >= 3  # expired, never displayed (警告 only) and minors' decisions in the sample data
    texts = site_texts(site)
    for ref in hidden:
        placement = ref.document.placement
        address = f"decisions/{placement.agency}/{placement.slug}/"
        assert not (site / address).exists(), address
        found = [name for name, text in texts.items() if ref.value["doc_no"] in text or address in text]
        assert found == [], (ref.value["doc_no"], found)
    # The download holds exactly the decisions on display.
    on_display = {refs[0].value["doc_no"] for refs in corpus.decisions.values()
                  if visible(refs[0].value, today, corpus.site.data)}
    assert {r["doc_no"] for r in records(site, "decisions")} == on_display


def test_a_withdrawn_decision_is_only_its_notice_in_the_downloads(site: Path, corpus):
    decision = corpus.decisions["连山市监罚〔2024〕29号"][0].value
    (record,) = [r for r in records(site, "decisions") if r["doc_no"] == decision["doc_no"]]
    assert record.keys() == {"doc_no", "agency", "type", "decided_on", "status", "withdrawal", "page_url",
                             "content_hash"}
    assert record["page_url"] == BASE + "decisions/lsscjgj/2024-029-ad-absolute/"
    texts = site_texts(site)
    for hidden in (decision["party"]["name"], decision["party"]["credit_code"], decision["facts"][:20]):
        assert [n for n, t in texts.items() if hidden in t and (n.startswith(OPEN) or n == "feed.xml")] == [], hidden


def test_a_decision_record_has_its_page_address_and_content_hash(site: Path, corpus):
    from generator.pages.decisions import content_hash

    for record in records(site, "decisions"):
        data = corpus.decisions[record["doc_no"]][0].value
        assert record["content_hash"] == content_hash(data)
        page = (site / record["page_url"].removeprefix(BASE) / "index.html").read_text(encoding="utf-8")
        assert f'<code class="portal-hash">{record["content_hash"]}</code>' in page


def test_officers_are_published_without_training_records_or_certificate_dates(site: Path):
    for name, text in site_texts(site).items():
        if name.startswith(OPEN) and "officers" in name:
            for hidden in ("trainings", "培训", "valid_from", "valid_until", "有效期"):
                assert hidden not in text, (name, hidden)


# --- sitemap, 404, personal data ------------------------------------------------------------------

def test_the_sitemap_lists_every_record_page_and_a_404_page_exists(site: Path):
    root = parse_xml(site / "sitemap.xml")
    listed = {loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for family in ("agencies", "items", "benchmarks", "decisions", "laws"):
        pages = [p.parent.relative_to(site).as_posix() for p in (site / family).rglob("index.html")]
        assert len(pages) > 1, family
        for page in pages:
            assert f"{BASE}{page}/" in listed, page
    assert f"{BASE}{OPEN}/" in listed
    not_found = (site / "404.html").read_text(encoding="utf-8")
    assert "404" in not_found


def test_no_personal_data_in_the_built_site_downloads_included(site: Path, corpus):
    from generator.pii import find, scan_site
    from generator.rules.personal_data import allowed_values

    allowed = allowed_values(corpus)
    assert scan_site(site, allowed=allowed, today=datetime.date.fromisoformat(TODAY)) == []
    from openpyxl import load_workbook

    for path in sorted((site / OPEN).glob("*.xlsx")):
        for sheet in load_workbook(path).worksheets:
            for row in sheet.iter_rows(values_only=True):
                text = "\n".join(str(cell) for cell in row if isinstance(cell, str))
                assert [f for f in find(text) if (f.kind, f.sha256) not in allowed] == [], path.name


# --- written by the build in a forked process (pages/open_data.FileJob) -----------------------------

def _context(corpus):
    from generator.pages import context, links
    from generator.render import environment

    ctx = context(corpus, datetime.date.fromisoformat(TODAY), environment())
    links.install(ctx.env, corpus)
    return ctx


def _job(corpus):
    from generator.pages import open_data

    pages = open_data.pages(_context(corpus), defer=True)
    return pages[f"{OPEN}/index.md"], pages[f"{OPEN}/"]


def test_the_deferred_download_page_filled_in_is_the_page_made_at_once(corpus, tmp_path: Path):
    from generator.pages import open_data

    page, job = _job(corpus)
    assert "PORTALFILE" in page and job.uris[-1] == f"{OPEN}/datapackage.json"
    values, leaks, recorded, counted = job.write(tmp_path)
    assert leaks == [] and recorded == [] and counted == {}  # no keys given: nothing for the next build
    at_once = open_data.pages(_context(corpus))
    assert open_data.fill(page, values) == at_once[f"{OPEN}/index.md"]
    for uri in job.uris:
        written = (tmp_path / uri).read_bytes()
        assert written == (at_once[uri] if uri.endswith(".xlsx") else at_once[uri].encode("utf-8")), uri
        assert hashlib.sha256(written).hexdigest() in at_once[f"{OPEN}/index.md"], uri


def test_a_dataset_taken_back_whose_counts_are_known_is_not_made(corpus, tmp_path: Path):
    from generator.pages import open_data

    class Back:  # the last build's files, all as it left them (reuse.Previous)
        def take_group(self, paths, key, site_dir):
            return [(path, (0, 0, 0, 0)) for path in paths]

    page, job = _job(corpus)
    job.keys = {dataset.name: f"键-{dataset.name}" for dataset in job.structure}
    values, _, recorded, counted = job.write(tmp_path)  # the first build: every dataset made
    assert set(counted) == set(job.keys) and recorded
    made: list[str] = []

    def again(counts: dict) -> dict[str, str]:
        _, rebuilt = _job(corpus)
        rebuilt.keys, rebuilt.previous, rebuilt.counted = job.keys, Back(), counts
        rebuilt.makers = [lambda make=make, name=d.name: made.append(name) or make()
                          for make, d in zip(rebuilt.makers, rebuilt.structure, strict=True)]
        return open_data.fill(page, rebuilt.write(tmp_path)[0])

    assert again(counted) == open_data.fill(page, values) and made == []
    assert again({}) == open_data.fill(page, values)  # counts unknown: made to be counted, not written
    assert made == [dataset.name for dataset in job.structure]


def test_personal_data_in_the_files_is_named_by_file_line_and_column(corpus):
    page, job = _job(corpus)
    decision = next(d for d in next(s for s in job.sets if s.name == "decisions").records if "facts" in d)
    decision["facts"] = "当事人联系电话 13800138000。"
    leaks = job.leaks(job.make())
    assert {leak.file for leak in leaks} == {f"{OPEN}/decisions.json", f"{OPEN}/decisions.csv"}
    assert all(leak.code == "pii-mobile" and leak.line > 0 and leak.column > 0 for leak in leaks)
    assert all("13800138000" not in leak.message for leak in leaks)
    # A reviewed value (data/pii-allowlist.yaml) is not reported.
    assert job.leaks(job.make(), {("mobile", hashlib.sha256(b"13800138000").hexdigest())}) == []


@pytest.mark.parametrize("at_once", [1, 7])
def test_personal_data_is_found_whichever_part_of_the_values_it_is_scanned_in(corpus, monkeypatch, at_once):
    from generator.pages import open_data

    monkeypatch.setattr(open_data, "_SCANNED_AT_ONCE", at_once)
    page, job = _job(corpus)
    records = next(s for s in job.sets if s.name == "decisions").records
    [d for d in records if "facts" in d][-1]["facts"] = "当事人联系电话 13800138000。"
    leaks = job.leaks(job.make())
    assert {(leak.code, leak.file) for leak in leaks} == {("pii-mobile", f"{OPEN}/decisions.json"),
                                                          ("pii-mobile", f"{OPEN}/decisions.csv")}


def test_personal_data_only_a_workbook_shows_is_still_reported(corpus):
    page, job = _job(corpus)
    decision = next(d for d in next(s for s in job.sets if s.name == "decisions").records if "facts" in d)
    decision["facts"] = "当事人联系电话 13800138000。"
    made = {uri: (data if uri.endswith(".xlsx") else data.replace(b"13800138000", b"1380013800"))
            for uri, data in job.make().items()}
    leaks = job.leaks(made)
    assert [(leak.code, leak.file) for leak in leaks] == [("pii-mobile", f"{OPEN}/agencies.xlsx")]
    assert "工作簿" in leaks[0].message


def test_the_build_writes_the_files_in_a_forked_process_and_fills_in_the_page(tmp_path: Path, monkeypatch):
    from generator import build as build_module
    from generator import forking

    started = []
    original = forking.Job.__init__

    def spy(self, fn, *args, **kwargs):
        original(self, fn, *args, **kwargs)
        started.append(self._process is not None)

    monkeypatch.setattr(forking.Job, "__init__", spy)
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)  # the suite's servers: not in a build
    out = tmp_path / "site"
    assert build_module.build_site(REPO, out=out, today=datetime.date.fromisoformat(TODAY)) == 0
    assert started == [True]
    page = (out / OPEN / "index.html").read_text(encoding="utf-8")
    assert "PORTALFILE" not in page
    data = (out / OPEN / "decisions.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() in page and f">{len(data)}<" in page


def test_the_values_read_for_personal_data_are_every_key_and_value_as_text():
    from markupsafe import Markup

    from generator.pages.open_data import _strings

    shared = {"name": "张某", "tags": ["甲", {"deep": 13800138000}]}
    records = [{"party": shared, "fine": 1.5, "minor": False, "note": Markup("备注")}, {"party": shared}]
    tiers = [{"entry": "e-1", "seq": 1, "circumstances": ["情节轻微"]}]
    dataset = datapackage.Dataset("x", "X", "", records, [
        datapackage.Table("x", "X", "", [], records, []), datapackage.Table("x-tiers", "阶次", "", [], tiers, [])])
    assert _strings([dataset]) == {"party", "name", "张某", "tags", "甲", "deep", "13800138000", "fine", "1.5",
                                   "minor", "note", "备注", "entry", "e-1", "seq", "1", "circumstances", "情节轻微"}
