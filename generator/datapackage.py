"""数据开放: the public records as tables, written as JSON, CSV and XLSX, with a Frictionless
``datapackage.json`` that describes every CSV file.

One `Dataset` per kind of record (执法主体, 执法人员, 执法事项, 裁量基准条目, 执法决定, 法律法规):
the records as the site shows them, each a JSON file, an XLSX workbook, and one CSV file per
`Table`. A record's own list of records (a body's 执法流程, an item's 调整记录, an entry's 裁量阶次,
a law's 条文) is a table of its own, whose rows name their owner and their position (``seq``).

Only what the pages show is published:

- 执法人员: 姓名、执法证号、执法类别、执法区域 (国办发〔2018〕118号 §1.1) and 证件状态 (shown on
  the body's page); never training records or certificate dates;
- 执法决定: only those on display today (render.visible). A withdrawn one is its withdrawal
  notice (文书号, 执法主体, 职权类型, 决定日期, 撤回信息), never its party, facts or outcome;
  expired ones, never-displayed ones and minors' are absent;
- 执法主体: everything but ``reviewers`` (the repository's review accounts, not a disclosure).

Columns come from the JSON Schemas: a nested field is a column named by its path
(``party.name``), its title and description are the schema's. A list inside a cell is written
as a JSON array (Table Schema type ``array``), a date as ``YYYY-MM-DD``, yes/no as
``true``/``false``.

Every file is byte-for-byte the same for the same data and the same ``--today``: rows sorted by
their key, JSON keys sorted, no time but ``--today`` (the XLSX workbook's created/modified
properties and its zip entries' times included).

A county's files are ~260 MB from ~3 million cells: each table's cells are read once for its
CSV file and its sheet, the workbook is SpreadsheetML written here (openpyxl took 36 s of the
43), and `files` shares the datasets among forked worker processes.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import gc
import hashlib
import io
import itertools
import json
import math
import multiprocessing
import re
import string
import types
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, BinaryIO

from .schemas import SchemaSet, Shape

#: Where the files are written, under the site.
FOLDER = "open-data"
PACKAGE = "datapackage.json"
#: The longest text an Excel cell holds.
XLSX_CELL_LIMIT = 32767
#: The most rows an Excel sheet holds, its header row included (a city's 裁量阶次: ~760 000).
XLSX_ROW_LIMIT = 1_048_576
FIELDS_SHEET = "字段说明"
#: Dates in Atom and the datapackage are days in China Standard Time.
TIMEZONE = "+08:00"

#: 执法人员 fields that are published (see the module docstring).
OFFICER_FIELDS = ("name", "cert_no", "fields", "region", "status")
#: Decision fields a withdrawal notice keeps; every other field is left out.
WITHDRAWN_FIELDS = ("doc_no", "agency", "type", "decided_on", "status", "withdrawal")
#: Fields added to each decision: its page and the content hash shown there.
PAGE_URL, CONTENT_HASH = "page_url", "content_hash"


@dataclass(frozen=True)
class Field:
    """One column of a table: a field of the records, by its path."""

    path: tuple[str, ...]
    title: str
    description: str
    type: str  # Table Schema type: string, integer, number, boolean, date, array, object
    enum: tuple = ()
    format: str | None = None

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass
class Table:
    """One CSV file (and one sheet of its kind's workbook)."""

    name: str  # resource name and file stem, e.g. ``agency-procedures``
    title: str  # Chinese, also the sheet's name
    description: str
    fields: list[Field]
    rows: list[dict]
    primary_key: list[str]
    foreign_keys: list[dict] = field(default_factory=list)


@dataclass
class Dataset:
    """One kind of record: a JSON file and a workbook holding its tables."""

    name: str  # file stem, e.g. ``decisions``
    title: str
    description: str
    records: list[dict]
    tables: list[Table]


# --- columns from the schemas ---------------------------------------------------------------

# The first that the schema allows: a field allowing any number is a number, even if integers are named too.
_TYPES = (("boolean", "boolean"), ("number", "number"), ("integer", "integer"), ("array", "array"),
          ("object", "object"), ("string", "string"))


def _field_type(shape: Shape) -> tuple[str, str | None]:
    if shape.format == "date":
        return "date", None
    for json_type, table_type in _TYPES:
        if json_type in shape.types:
            return table_type, ("uri" if shape.format == "uri" else None)
    return "any", None


def columns(shape: Shape, *, omit: tuple[str, ...] = (), prefix: tuple[str, ...] = (),
            titles: tuple[str, ...] = ()) -> list[Field]:
    """A field per leaf of `shape`: objects with properties are flattened, lists stay one field."""
    out: list[Field] = []
    for key, sub in shape.props.items():
        if not prefix and key in omit:
            continue
        path, title = (*prefix, key), sub.title or key
        if "object" in sub.types and sub.props:
            out.extend(columns(sub, prefix=path, titles=(*titles, title)))
            continue
        kind, fmt = _field_type(sub)
        enum = tuple(sub.enum) if kind == "string" else ()
        out.append(Field(path, _header(titles, title), sub.description or "", kind, enum, fmt))
    return out


def _header(titles: tuple[str, ...], title: str) -> str:
    # 当事人 + 当事人名称 → 当事人·名称, as the clerks' workbooks write it (excel.py)
    if titles and title.startswith(titles[-1]) and len(title) > len(titles[-1]):
        title = title[len(titles[-1]):]
    return "·".join([*titles, title])


def _owner(name: str, title: str, description: str) -> Field:
    return Field((name,), title, description, "string")


SEQ = Field(("seq",), "序号", "在所属记录中的顺序，从 1 开始。", "integer")


def child_table(name: str, title: str, description: str, owner: Field, owner_key: str, records: list[dict],
                list_key: str, shape: Shape, parent: str) -> Table:
    """The records in each record's list `list_key`, one row each, with their owner and position."""
    rows = [{owner.name: record.get(owner_key), SEQ.name: index, **child}
            for record in records
            for index, child in enumerate(record.get(list_key) or [], start=1) if isinstance(child, dict)]
    item = shape.props[list_key].items
    assert item is not None
    return Table(name, title, description, [owner, SEQ, *columns(item)], rows, [owner.name, SEQ.name],
                 [_foreign(owner.name, parent, owner_key)])


def _foreign(name: str, resource: str, key: str) -> dict:
    return {"fields": [name], "reference": {"resource": resource, "fields": [key]}}


# --- the public records -----------------------------------------------------------------------

def datasets(corpus: Any, schemas: SchemaSet, site: Any, shown: list[dict],
             decision_extra: Callable[[dict], dict], *, rows: bool = True) -> list[Dataset]:
    """Every kind of record as published. `shown`: the decisions on display; `decision_extra`
    gives the fields added to each (its page address and content hash). Without `rows`, only
    what describes the datasets and their tables: no record, no row (what the download page
    needs to be written before the files are; see pages/open_data.FileJob)."""
    if not rows:
        corpus, shown = _NO_RECORDS, []
    return [make() for make in dataset_makers(corpus, schemas, site, shown, decision_extra)]


#: The kinds of data files each dataset is made from (beyond the site's settings, the schemas and
#: the day, which every one reads): a rebuild keeps a dataset's files while these are unchanged
#: (pages/open_data.FileJob, reuse.py). The decisions name the pages, which every kind may move.
DATASET_READS = {"agencies": ("agency",), "officers": ("personnel",), "items": ("items",),
                 "benchmark-entries": ("benchmark",), "laws": ("law",),
                 "decisions": ("agency", "law", "benchmark", "personnel", "items", "decision")}


def dataset_file_names(dataset: Dataset) -> list[str]:
    """The names of the files made of `dataset` (its JSON, its tables' CSV, its workbook)."""
    return [f"{dataset.name}.json", *(f"{table.name}.csv" for table in dataset.tables), f"{dataset.name}.xlsx"]


def dataset_makers(corpus: Any, schemas: SchemaSet, site: Any, shown: list[dict],
                   decision_extra: Callable[[dict], dict]) -> list[Callable[[], Dataset]]:
    """What makes each of `datasets`, in its order: to make (and let go of) one at a time."""
    return [lambda: _agencies(corpus, schemas), lambda: _officers(corpus, schemas), lambda: _items(corpus, schemas),
            lambda: _entries(corpus, schemas), lambda: _decisions(shown, schemas, site, decision_extra),
            lambda: _laws(corpus, schemas)]


#: A corpus without records, for `datasets` without rows.
_NO_RECORDS = types.SimpleNamespace(agencies={}, officers={}, items={}, entries={}, laws={})


def _first(index: dict[str, list]) -> list[Any]:
    return [refs[0] for _, refs in sorted(index.items())]


def _agencies(corpus: Any, schemas: SchemaSet) -> Dataset:
    shape = schemas.shape("agency")
    records = [{k: v for k, v in ref.value.items() if k != "reviewers"} for ref in _first(corpus.agencies)]
    main = Table("agencies", "执法主体", "行政执法主体的名称、职责、依据、地址、电话和救济渠道。",
                 columns(shape, omit=("reviewers", "procedures")), records, ["id"])
    procedures = child_table("agency-procedures", "执法流程", "各执法主体各类职权的办理流程步骤。",
                             _owner("agency", "执法主体", "执法主体的标识。"), "id", records, "procedures", shape,
                             "agencies")
    return Dataset("agencies", "执法主体", main.description, records, [main, procedures])


def _officers(corpus: Any, schemas: SchemaSet) -> Dataset:
    shape = schemas.shape("personnel").props["officers"].items
    assert shape is not None
    records = [{"agency": ref.document.get("agency"), **{k: ref.value[k] for k in OFFICER_FIELDS if k in ref.value}}
               for ref in _first(corpus.officers)]
    fields = [_owner("agency", "执法主体", "所属执法主体的标识。"),
              *[f for f in columns(shape) if f.path[0] in OFFICER_FIELDS]]
    main = Table("officers", "执法人员", "持证行政执法人员的姓名、执法证号、执法类别、执法区域和证件状态。",
                 fields, records, ["cert_no"], [_foreign("agency", "agencies", "id")])
    return Dataset("officers", "执法人员", main.description, records, [main])


def _items(corpus: Any, schemas: SchemaSet) -> Dataset:
    shape = schemas.shape("items").props["items"].items
    assert shape is not None
    records = [{"agency": ref.document.placement.agency, **ref.value} for ref in _first(corpus.items)]
    fields = [_owner("agency", "实施主体", "实施本事项的执法主体的标识。"), *columns(shape, omit=("history",))]
    main = Table("items", "执法事项", "行政执法事项清单（权责清单）。", fields, records, ["code"],
                 [_foreign("agency", "agencies", "id")])
    history = child_table("item-history", "调整记录", "执法事项的动态调整记录。",
                          _owner("item", "事项编码", "所属执法事项的编码。"), "code", records, "history", shape,
                          "items")
    return Dataset("items", "执法事项清单", main.description, records, [main, history])


def _entries(corpus: Any, schemas: SchemaSet) -> Dataset:
    document_shape = schemas.shape("benchmark")
    entry_shape = document_shape.props["entries"].items
    assert entry_shape is not None
    records = []
    documents: dict[int, dict] = {}  # one copy of a document for all its entries
    for ref in _first(corpus.entries):
        document = documents.get(id(ref.document.data))
        if document is None:
            document = documents[id(ref.document.data)] = {k: v for k, v in ref.document.data.items() if k != "entries"}
        records.append({"document": document, **ref.value})
    document_columns = [Field(("document", *f.path), f"基准文件·{f.title}", f.description, f.type, f.enum, f.format)
                        for f in columns(document_shape, omit=("entries",))]
    main = Table("benchmark-entries", "裁量基准条目", "行政裁量权基准的条目，附所属基准文件。",
                 [*document_columns, *columns(entry_shape, omit=("tiers",))], records, ["id"],
                 [_foreign("document.agency", "agencies", "id")])
    tiers = child_table("benchmark-tiers", "裁量阶次", "处罚裁量条目的各阶次：适用情形、处罚种类和罚款幅度。",
                        _owner("entry", "基准条目", "所属基准条目的标识。"), "id", records, "tiers", entry_shape,
                        "benchmark-entries")
    return Dataset("benchmark-entries", "裁量基准", main.description, records, [main, tiers])


def _decisions(shown: list[dict], schemas: SchemaSet, site: Any, extra: Callable[[dict], dict]) -> Dataset:
    from .display import FOREVER, display_until

    shape = schemas.shape("decision")
    records = []
    for decision in sorted(shown, key=lambda d: (d.get("decided_on"), d.get("doc_no"))):
        if decision.get("status") == "已撤回":
            public = {k: decision[k] for k in WITHDRAWN_FIELDS if k in decision}
        else:
            public = dict(decision)
            # 未成年人 decisions are never on display, so the flag says nothing: left out.
            public["party"] = {k: v for k, v in decision["party"].items() if k != "minor"}
            # The last day on display as the page shows it (none: no end), filled in where the data leaves it out.
            until = display_until(decision, site)
            public.pop("display_until", None)
            if until is not None and until != FOREVER:
                public["display_until"] = until.isoformat()
        records.append({**public, **extra(decision)})
    fields = [*(f for f in columns(shape) if f.path != ("party", "minor")),
              Field((PAGE_URL,), "公示页面", "本决定在本平台的公示页面网址（一案一码的二维码所载网址）。", "string",
                    format="uri"),
              Field((CONTENT_HASH,), "内容校验码",
                    "公示页面所示的内容校验码：数据记录按键排序、UTF-8 编码的紧凑 JSON 的 SHA-256 前 16 位。",
                    "string")]
    main = Table("decisions", "执法决定", "公示期内的执法决定；已撤回的决定只有撤回信息。", fields, records,
                 ["doc_no"], [_foreign("agency", "agencies", "id"), _foreign("item", "items", "code")])
    return Dataset("decisions", "执法决定公示", main.description, records, [main])


def _laws(corpus: Any, schemas: SchemaSet) -> Dataset:
    shape = schemas.shape("law")
    records = [dict(ref.value) for ref in _first(corpus.laws)]
    main = Table("laws", "法律法规", "执法依据中引用的法律、法规和规章。", columns(shape, omit=("articles",)), records,
                 ["id"])
    articles = child_table("law-articles", "条文", "本平台收录的法律法规条文原文。",
                           _owner("law", "法律法规", "所属法律法规的标识。"), "id", records, "articles", shape, "laws")
    return Dataset("laws", "法律法规", main.description, records, [main, articles])


# --- cells -------------------------------------------------------------------------------------

def value_at(row: dict, path: tuple[str, ...]) -> Any:
    value: Any = row
    for part in path:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _getter(path: tuple[str, ...]) -> Callable[[dict], Any]:
    if len(path) == 1:
        key = path[0]
        return lambda row: row.get(key)
    if len(path) == 2:
        outer, inner = path
        return lambda row: value.get(inner) if isinstance(value := row.get(outer), dict) else None
    return lambda row: value_at(row, path)


def cells(table: Table) -> list[list[Any]]:
    """The table's values, a list per row in the order of its fields, as both the CSV file and
    the workbook write them: a list or an object is already its compact JSON text."""
    getters = [_getter(column.path) for column in table.fields]
    return [[_compact(v) if isinstance(v, (list, dict)) else v for v in [get(row) for get in getters]]
            for row in table.rows]


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_string = json.encoder.encode_basestring  # the C encoder of a str: "…" with only what JSON must escape


def _compact(value: list | dict) -> str:
    """`compact_json`, quicker for the commonest cell: a list of strings."""
    if value.__class__ is list and all(item.__class__ is str for item in value):
        return "[" + ",".join(map(_string, value)) + "]"
    return _encode(value)


# --- files -------------------------------------------------------------------------------------

def json_bytes(dataset: Dataset, today: datetime.date) -> bytes:
    """The dataset as one JSON document in UTF-8: its title, description and date, then `records`
    with each record on a line of its own (compact, keys sorted), so a file of tens of thousands
    of records can be read, compared and split a line at a time."""
    return b"".join(json_chunks(dataset, today))


def json_chunks(dataset: Dataset, today: datetime.date) -> Iterator[bytes]:
    """`json_bytes` in pieces of a thousand records, for a file written piece by piece. A record
    is written by json's C encoder, ~4x faster than the indented form json.dumps writes in Python."""
    document = {"title": dataset.title, "description": dataset.description, "date": today.isoformat(),
                "records": _RECORDS if dataset.records else []}
    head, _, tail = (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").partition(
        json.dumps(_RECORDS))
    if not dataset.records:
        yield head.encode("utf-8")
        return
    yield head.encode("utf-8") + b"[\n"
    for start in range(0, len(dataset.records), 1000):
        # Compact JSON holds no line feed: one line per record.
        text = ",\n".join("    " + _encode(record) for record in dataset.records[start:start + 1000])
        yield ("" if start == 0 else ",\n").encode() + text.encode("utf-8")
    yield b"\n  ]" + tail.encode("utf-8")


#: Stands for the records in the document json_bytes writes around them (no title holds it).
_RECORDS = "\x00records\x00"


def csv_bytes(table: Table, values: list[list[Any]] | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; CRLF line ends.
    `values`: the table's `cells`, if already at hand."""
    out = io.BytesIO()
    write_csv(table, out, values)
    return out.getvalue()


def write_csv(table: Table, out: BinaryIO, values: list[list[Any]] | None = None) -> None:
    """`csv_bytes` written to `out` a row at a time: a county's largest table is ~27 MB of text,
    which a whole-file string would hold three times over (text, copy, bytes)."""
    out.write(codecs.BOM_UTF8)
    writer = csv.writer(_Utf8(out), lineterminator="\r\n")
    writer.writerow([f.name for f in table.fields])
    # csv writes None as an empty cell and a number as its repr(); yes/no as Table Schema reads them.
    writer.writerows(["true" if v is True else "false" if v is False else v for v in row]
                     for row in (cells(table) if values is None else values))


class _Utf8:
    """The text `csv.writer` writes, as UTF-8 to a binary file."""

    def __init__(self, out: BinaryIO):
        self._write = out.write

    def write(self, text: str) -> int:
        return self._write(text.encode("utf-8"))


class CellNotWritable(ValueError):
    """Raised by `xlsx_bytes` for what a workbook cannot hold as it is: a value, or more rows than a sheet."""


class CellTooLong(CellNotWritable):
    """Raised by `xlsx_bytes` when a value is longer than an Excel cell can hold."""


# The workbook is written here rather than by openpyxl, which took ~25 µs a cell (a county's
# 3 million cells: over 30 s). It is the part of SpreadsheetML that openpyxl's write-only mode
# writes for the same sheets: inline strings, numbers, yes/no, dates as day numbers in a
# yyyy-mm-dd style, a bold header row frozen in place, column widths, and a 字段说明 sheet.
# tests/test_open_data.py reads it back with openpyxl, cell by cell, against openpyxl's own.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Cell styles (``s``): 0 plain, 1 bold (headers), 2 a date shown as yyyy-mm-dd.
_BOLD, _DATE = 1, 2
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '</numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b val="1"/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
#: XML 1.0 cannot hold these characters at all (openpyxl refuses them too).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Rows written to the zip at a time: a sheet is never held whole as text.
_ROWS_AT_ONCE = 2000
#: Distinct texts remembered while writing a sheet.
_KNOWN = 50_000
_EPOCH = datetime.date(1899, 12, 30)
_GUIDE = Table("fields", FIELDS_SHEET, "", [Field((name,), title, "", "string") for name, title in
                                            (("sheet", "工作表"), ("title", "列名"), ("name", "字段名"),
                                             ("type", "类型"), ("description", "说明"))], [], [])


def _escape(text: str) -> str:
    # A carriage return as a character reference: an XML parser reads a literal one as a line feed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _text(text: str) -> str:
    """An inline string cell after its reference."""
    if text[:1].isspace() or text[-1:].isspace():
        return f' t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'
    return f' t="inlineStr"><is><t>{_escape(text)}</t></is></c>'


def _day(value: datetime.date) -> int:
    """Excel's day number (1900 date system, whose day 60 is the 29 February 1900 that never was)."""
    days = (value - _EPOCH).days
    return days - 1 if 0 < days <= 60 else days


def _rows(table: Table, values: Iterable[list[Any]]) -> Iterator[str]:
    """The ``<row>`` elements of the table's cells, from row 2 (row 1 is the header)."""
    letters = list(itertools.islice(_letters(), len(table.fields)))
    dates = [column.type == "date" for column in table.fields]
    # A cell after its reference, by value: the same text (a body's name, a benchmark document's
    # fields on each of its entries) is escaped once. Emptied now and then, to stay small.
    known: dict[tuple[bool, Any], str] = {}
    for number, row in enumerate(values, start=2):
        if len(known) > _KNOWN:
            known.clear()
        r = str(number)
        out = [f'<row r="{r}">']
        for value, letter, date, column in zip(row, letters, dates, table.fields, strict=True):
            if value is None or value == "":
                continue
            key = (date, value)
            tail = known.get(key) if value.__class__ is str else None
            if tail is None:
                tail = _cell(table, column, value, date)
                if value.__class__ is str:
                    known[key] = tail
            out.append(f'<c r="{letter}{r}"{tail}')
        out.append("</row>")
        yield "".join(out)


def _cell(table: Table, column: Field, value: Any, date: bool) -> str:
    """A cell after its reference: type, style and value."""
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        if date:
            try:
                return f' s="{_DATE}" t="n"><v>{_day(datetime.date.fromisoformat(value))}</v></c>'
            except ValueError:
                pass  # not a date after all: the text it is, as in the CSV file
        if len(value) > XLSX_CELL_LIMIT:
            raise CellTooLong(f"{table.title}「{column.title}」有 {len(value)} 个字符，"
                              f"超过 Excel 单元格上限 {XLSX_CELL_LIMIT}")
        return _text(str(value))
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f' t="n"><v>{(int if isinstance(value, int) else float).__repr__(value)}</v></c>'
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f' s="{_DATE}" t="n"><v>{_day(value)}</v></c>'
    raise CellNotWritable(f"{table.title}「{column.title}」的值 {value!r} 无法写入 Excel 单元格")


def _sheet_head(widths: list[float] | None) -> str:
    if widths is None:
        view = '<sheetView workbookViewId="0"><selection activeCell="A1" sqref="A1"/></sheetView>'
        cols = ""
    else:
        view = ('<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>')
        cols = "<cols>" + "".join(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'
                                  for i, w in enumerate(widths, start=1)) + "</cols>"
    return (f'{_XML}<worksheet xmlns="{_MAIN}"><sheetViews>{view}</sheetViews>'
            f'<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>{cols}<sheetData>')


_SHEET_TAIL = ('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
               '</worksheet>')


def _header_row(titles: Iterable[str]) -> str:
    return '<row r="1">' + "".join(f'<c r="{letter}1" s="{_BOLD}"' + _text(title)
                                   for letter, title in zip(_letters(), titles, strict=False)) + "</row>"


def _letters() -> Iterable[str]:
    """A, B, …, Z, AA, AB, …: column names."""
    for length in itertools.count(1):
        for letters in itertools.product(string.ascii_uppercase, repeat=length):
            yield "".join(letters)


def _write_sheet(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, head: str, rows: Iterable[str],
                 where: Callable[[int], str]) -> None:
    with archive.open(entry, "w") as out:
        out.write(head.encode())
        batch: list[str] = []
        done = 0
        for row in itertools.chain(rows, [None]):
            if row is not None:
                batch.append(row)
                if len(batch) < _ROWS_AT_ONCE:
                    continue
            text = "".join(batch)
            bad = _ILLEGAL.search(text)
            if bad:
                number = done + next(i for i, row in enumerate(batch) if _ILLEGAL.search(row))
                raise CellNotWritable(f"{where(number)}含有 Excel 无法保存的控制字符 U+{ord(bad.group()):04X}")
            out.write(text.encode())
            done += len(batch)
            batch = []
        out.write(_SHEET_TAIL.encode())


def xlsx_bytes(dataset: Dataset, today: datetime.date, creator: str,
               values: dict[str, list[list[Any]]] | None = None) -> bytes:
    """The dataset as a workbook: a sheet per table (Chinese column titles, in the CSV's order)
    and a 字段说明 sheet naming each column's field, type and meaning. `values`: the tables'
    `cells` by table name, if already at hand."""
    stamp = (today.year, today.month, today.day, 0, 0, 0)
    sheets = [table.title for table in dataset.tables] + [FIELDS_SHEET]
    raw = io.BytesIO()

    def entry(name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.create_system = 3  # the same bytes from any system
        info.external_attr = 0o600 << 16
        return info

    with zipfile.ZipFile(raw, "w") as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
                            for n in range(1, len(sheets) + 1))
        archive.writestr(entry("[Content_Types].xml"), (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>{overrides}</Types>'))
        archive.writestr(entry("_rels/.rels"), (
            f'{_XML}<Relationships xmlns="{_RELS}">'
            f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_RELS}/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_OFFICE}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>'))
        archive.writestr(entry("docProps/app.xml"), (
            f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>portal</Application></Properties>'))
        moment = f"{today.isoformat()}T00:00:00Z"
        archive.writestr(entry("docProps/core.xml"), (
            f'{_XML}<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:creator>{_escape(creator)}</dc:creator><dc:title>{_escape(dataset.title)}</dc:title>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified></cp:coreProperties>'))
        listed = "".join(f'<sheet name="{_attribute(name)}" sheetId="{n}" r:id="rId{n}"/>'
                         for n, name in enumerate(sheets, start=1))
        archive.writestr(entry("xl/workbook.xml"), (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}"><bookViews><workbookView activeTab="0"/>'
            f'</bookViews><sheets>{listed}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'))
        targets = "".join(f'<Relationship Id="rId{n}" Type="{_OFFICE}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                          for n in range(1, len(sheets) + 1))
        archive.writestr(entry("xl/_rels/workbook.xml.rels"), (
            f'{_XML}<Relationships xmlns="{_RELS}">{targets}<Relationship Id="rId{len(sheets) + 1}" '
            f'Type="{_OFFICE}/styles" Target="styles.xml"/></Relationships>'))
        archive.writestr(entry("xl/styles.xml"), _STYLES)
        for n, table in enumerate(dataset.tables, start=1):
            if len(table.rows) + 1 > XLSX_ROW_LIMIT:
                raise CellNotWritable(f"{table.title}有 {len(table.rows)} 行，超过 Excel 工作表上限 "
                                      f"{XLSX_ROW_LIMIT - 1} 行（另有标题行）")
            rows = values[table.name] if values is not None else cells(table)
            _write_sheet(archive, entry(f"xl/worksheets/sheet{n}.xml"),
                         _sheet_head([_width(column) for column in table.fields])
                         + _header_row(column.title for column in table.fields), _rows(table, rows),
                         lambda number, table=table: f"{table.title}第 {number + 2} 行")
        guide = [[table.title, column.title, column.name, column.type, column.description]
                 for table in dataset.tables for column in table.fields]
        _write_sheet(archive, entry(f"xl/worksheets/sheet{len(sheets)}.xml"),
                     _sheet_head(None) + _header_row(column.title for column in _GUIDE.fields),
                     _rows(_GUIDE, guide),
                     lambda number: f"{FIELDS_SHEET}第 {number + 2} 行")
    return raw.getvalue()


def _width(column: Field) -> float:
    wide = {"string": 24, "array": 40}.get(column.type, 12)
    return float(max(wide, min(40, 2 * len(column.title) + 2)))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_schema(table: Table) -> dict:
    fields = []
    for column in table.fields:
        spec: dict[str, Any] = {"name": column.name, "title": column.title, "type": column.type}
        if column.description:
            spec["description"] = column.description
        if column.format:
            spec["format"] = column.format
        if column.enum:
            spec["constraints"] = {"enum": list(column.enum)}
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": table.primary_key}
    if table.foreign_keys:
        schema["foreignKeys"] = table.foreign_keys
    return schema


def package(tables: list[tuple[Table, str, int, str]], today: datetime.date, site: dict) -> dict:
    """The Frictionless Data Package (v1, tabular) describing each CSV file: (table, path, bytes, SHA-256)."""
    base = str(site.get("base_url", "/"))
    resources = []
    for table, path, size, digest in tables:
        resources.append({
            "name": table.name, "path": path, "profile": "tabular-data-resource", "title": table.title,
            "description": table.description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": size, "hash": f"sha256:{digest}", "schema": table_schema(table),
        })
    region = str(site.get("region_code", "")).lower()
    out: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": f"enforcement-disclosure-{region}" if region else "enforcement-disclosure",
        "title": str(site.get("name", "行政执法公示")),
        "description": "行政执法主体、执法人员、执法事项清单、裁量基准、公示期内的执法决定和法律法规的公开数据。"
                       "CSV 文件为带 BOM 的 UTF-8 编码。",
        "homepage": base + f"{FOLDER}/",
        "created": f"{today.isoformat()}T00:00:00{TIMEZONE}",
        "keywords": ["行政执法公示", "执法决定", "权责清单", "裁量基准"],
        "resources": resources,
    }
    if site.get("sponsor"):
        out["contributors"] = [{"title": str(site["sponsor"]), "role": "publisher"}]
    return out


def tables_files(dataset: Dataset, today: datetime.date, creator: str) -> dict[str, bytes]:
    """A dataset's CSV files and workbook, by name, from one reading of its tables' cells."""
    values = {table.name: cells(table) for table in dataset.tables}
    out = {f"{table.name}.csv": csv_bytes(table, values[table.name]) for table in dataset.tables}
    out[f"{dataset.name}.xlsx"] = xlsx_bytes(dataset, today, creator, values)
    return out


def write_tables(dataset: Dataset, today: datetime.date, creator: str, folder: FsPath) -> dict[str, tuple[int, str]]:
    """`tables_files` written into `folder`, a CSV file row by row; each file's size and SHA-256."""
    values = {table.name: cells(table) for table in dataset.tables}
    out = {}
    for table in dataset.tables:
        with _Digesting(folder / f"{table.name}.csv") as csv_file:
            write_csv(table, csv_file, values[table.name])
        out[f"{table.name}.csv"] = csv_file.made
    workbook = xlsx_bytes(dataset, today, creator, values)
    del values
    out[f"{dataset.name}.xlsx"] = _write_chunks(folder / f"{dataset.name}.xlsx", [workbook])
    return out


#: Below this many cells in all, the files are written in this process: starting workers costs more.
PARALLEL_CELLS = 200_000
#: (datasets, today, creator) for the worker processes, which inherit it (see `files`).
_WORK: tuple[list[Dataset], datetime.date, str] | None = None


def _task(task: tuple[int, str]) -> dict[str, bytes]:
    """One piece of `files`: a dataset's JSON file, or its CSV files and workbook."""
    assert _WORK is not None
    sets, today, creator = _WORK
    dataset = sets[task[0]]
    if task[1] == "json":
        return {f"{dataset.name}.json": json_bytes(dataset, today)}
    return tables_files(dataset, today, creator)


def _write_chunks(path: FsPath, chunks: Iterable[bytes]) -> tuple[int, str]:
    """The file `path` written piece by piece; its size and SHA-256."""
    with _Digesting(path) as out:
        for chunk in chunks:
            out.write(chunk)
    return out.made


class _Digesting:
    """A file opened for writing that hashes and counts what is written to it: ``made`` once closed."""

    def __init__(self, path: FsPath):
        self._file = path.open("wb")
        self._digest, self._size = hashlib.sha256(), 0
        self.made: tuple[int, str] = (0, "")

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self._size += len(data)
        return self._file.write(data)

    def __enter__(self) -> _Digesting:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()
        self.made = (self._size, self._digest.hexdigest())


def _freeze() -> None:
    # A worker allocates a lot; its collections need not walk (and so copy) the records it inherited.
    gc.freeze()


def _processors() -> int:
    """How many processes may write the files (forking.processors)."""
    from .forking import processors

    return processors()


def _size(dataset: Dataset) -> int:
    return sum(len(table.rows) * len(table.fields) for table in dataset.tables)


def file_uris(sets: list[Dataset]) -> list[str]:
    """The path under the site of every file `files` makes, in the order it makes them."""
    uris = []
    for dataset in sets:
        uris.append(f"{FOLDER}/{dataset.name}.json")
        uris.extend(f"{FOLDER}/{table.name}.csv" for table in dataset.tables)
        uris.append(f"{FOLDER}/{dataset.name}.xlsx")
    return [*uris, f"{FOLDER}/{PACKAGE}"]


def files(sets: list[Dataset], today: datetime.date, site: dict, *, workers: int | None = None) -> dict[str, bytes]:
    """Every file of the open data, by its path under the site: JSON, CSV, XLSX, datapackage.json.

    `workers`: processes writing the files, each a dataset's JSON file or its CSV files and
    workbook at a time (largest first). By default as many as there are processors for this
    process once there is enough to write, where this process can fork (its copy of the records
    costs nothing to hand over); 1 writes them in this process. The files are the same either way.
    """
    by_name = _make(sets, today, site, workers)
    out = {uri: by_name[uri.rpartition("/")[2]] for uri in file_uris(sets)[:-1]}
    digests = {name: (len(data), sha256(data)) for name, data in by_name.items()}
    out[f"{FOLDER}/{PACKAGE}"] = _package_bytes(sets, digests, today, site)
    return out


def write_files(makers: Sequence[Callable[[], Dataset]], structure: list[Dataset], today: datetime.date,
                site: dict, site_dir: FsPath, *, each: Callable[[Dataset], None] | None = None,
                kept: Callable[[Dataset, Callable[[], Dataset]], dict[str, tuple[int, str]] | None] | None = None,
                ) -> dict[str, tuple[int, str]]:
    """`files` written into `site_dir`, one dataset at a time: each is made (`makers`, in the
    order of `datasets`), written, shown to `each` and let go, so that only one dataset's rows
    are ever held (a county's all together are ~150 MB). `structure`: the datasets without rows
    (`datasets(rows=False)`), which datapackage.json describes. The files are those `files`
    makes, byte for byte; each file's size and SHA-256 by its path. A dataset for which `kept`
    (given it as `structure` has it, without rows, and what makes it) gives its files' sizes and
    SHA-256 is already in the site (a rebuild took the last build's files back): it is neither
    written nor shown to `each`, nor made unless `kept` needs it."""
    folder = site_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    creator = _creator(site)
    by_name: dict[str, tuple[int, str]] = {}
    for make, described in zip(makers, structure, strict=True):
        once = functools.cache(make)  # made at most once, let go of with it
        there = kept(described, once) if kept is not None else None
        if there is not None:
            by_name.update(there)
            del once
            continue
        dataset = once()
        del once
        name = f"{dataset.name}.json"
        by_name[name] = _write_chunks(folder / name, json_chunks(dataset, today))
        by_name.update(write_tables(dataset, today, creator, folder))
        if each is not None:
            each(dataset)
        del dataset
    package_data = _package_bytes(structure, by_name, today, site)
    (folder / PACKAGE).write_bytes(package_data)
    out = {uri: by_name[uri.rpartition("/")[2]] for uri in file_uris(structure)[:-1]}
    out[f"{FOLDER}/{PACKAGE}"] = (len(package_data), sha256(package_data))
    return out


def _creator(site: dict) -> str:
    return str(site.get("sponsor") or site.get("name") or "portal")


def _make(sets: list[Dataset], today: datetime.date, site: dict, workers: int | None) -> dict[str, bytes]:
    global _WORK
    tasks = sorted(((index, kind) for index in range(len(sets)) for kind in ("tables", "json")),
                   key=lambda task: -_size(sets[task[0]]))
    if workers is None:
        workers = min(_processors(), len(tasks)) if sum(map(_size, sets)) >= PARALLEL_CELLS else 1
    _WORK = (sets, today, _creator(site))
    try:
        if workers > 1:
            with multiprocessing.get_context("fork").Pool(workers, initializer=_freeze) as pool:
                written = pool.map(_task, tasks, chunksize=1)
        else:
            written = [_task(task) for task in tasks]
    finally:
        _WORK = None
    return {name: made for part in written for name, made in part.items()}


def _package_bytes(sets: list[Dataset], digests: dict[str, tuple[int, str]], today: datetime.date,
                   site: dict) -> bytes:
    described = [(table, f"{table.name}.csv", *digests[f"{table.name}.csv"]) for dataset in sets
                 for table in dataset.tables]
    document = package(described, today, site)
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
