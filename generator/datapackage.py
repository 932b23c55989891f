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
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .schemas import SchemaSet, Shape

#: Where the files are written, under the site.
FOLDER = "open-data"
PACKAGE = "datapackage.json"
#: The longest text an Excel cell holds.
XLSX_CELL_LIMIT = 32767
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
             decision_extra: Callable[[dict], dict]) -> list[Dataset]:
    """Every kind of record as published. `shown`: the decisions on display; `decision_extra`
    gives the fields added to each (its page address and content hash)."""
    return [_agencies(corpus, schemas), _officers(corpus, schemas), _items(corpus, schemas),
            _entries(corpus, schemas), _decisions(shown, schemas, site, decision_extra), _laws(corpus, schemas)]


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
    for ref in _first(corpus.entries):
        document = {k: v for k, v in ref.document.data.items() if k != "entries"}
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


def csv_cell(value: Any) -> str:
    """A value as CSV text, the way Table Schema reads it back (an empty cell: no value)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return compact_json(value)
    return str(value)


# --- files -------------------------------------------------------------------------------------

def json_bytes(dataset: Dataset, today: datetime.date) -> bytes:
    document = {"title": dataset.title, "description": dataset.description, "date": today.isoformat(),
                "records": dataset.records}
    return (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly; CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f.name for f in table.fields])
    for row in table.rows:
        writer.writerow([csv_cell(value_at(row, f.path)) for f in table.fields])
    return out.getvalue().encode("utf-8-sig")


def xlsx_cell(value: Any, column: Field) -> Any:
    if value is None:
        return None
    if column.type == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, (list, dict)):
        return compact_json(value)
    return value


class CellTooLong(ValueError):
    """Raised by `xlsx_bytes` when a value is longer than an Excel cell can hold."""


def xlsx_bytes(dataset: Dataset, today: datetime.date, creator: str) -> bytes:
    """The dataset as a workbook: a sheet per table (Chinese column titles, in the CSV's order)
    and a 字段说明 sheet naming each column's field, type and meaning."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    fixed = datetime.datetime.combine(today, datetime.time())
    book.properties.creator = creator
    book.properties.title = dataset.title
    for table in dataset.tables:
        ws = book.create_sheet(table.title)
        ws.freeze_panes = "A2"
        for index, column in enumerate(table.fields, start=1):
            ws.column_dimensions[get_column_letter(index)].width = _width(column)
        ws.append([_text_cell(WriteOnlyCell(ws, column.title), bold) for column in table.fields])
        for row in table.rows:
            cells = []
            for column in table.fields:
                value = xlsx_cell(value_at(row, column.path), column)
                if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
                    raise CellTooLong(f"{table.title}「{column.title}」有 {len(value)} 个字符，"
                                      f"超过 Excel 单元格上限 {XLSX_CELL_LIMIT}")
                cell = WriteOnlyCell(ws, value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text such as "=…" stays text, never a formula
                elif isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
    guide = book.create_sheet(FIELDS_SHEET)
    guide.append([_text_cell(WriteOnlyCell(guide, text), bold)
                  for text in ("工作表", "列名", "字段名", "类型", "说明")])
    for table in dataset.tables:
        for column in table.fields:
            guide.append([_text_cell(WriteOnlyCell(guide, text)) for text in
                          (table.title, column.title, column.name, column.type, column.description)])
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        from openpyxl.writer.excel import ExcelWriter

        # openpyxl's save_workbook() stamps `modified` with the current time: write without it.
        book.properties.created = book.properties.modified = fixed
        ExcelWriter(book, archive).save()
    return _fixed_zip(raw.getvalue(), (today.year, today.month, today.day, 0, 0, 0))


def _text_cell(cell: Any, font: Any = None) -> Any:
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _width(column: Field) -> float:
    wide = {"string": 24, "array": 40}.get(column.type, 12)
    return float(max(wide, min(40, 2 * len(column.title) + 2)))


def _fixed_zip(data: bytes, date_time: tuple[int, int, int, int, int, int]) -> bytes:
    """The same zip with every entry dated `date_time`: openpyxl stamps entries with the time of
    writing (ZipFile.writestr, and ZipFile.write of its temporary sheet files)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


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


def package(tables: list[tuple[Table, str, bytes]], today: datetime.date, site: dict) -> dict:
    """The Frictionless Data Package (v1, tabular) describing each CSV file: (table, path, bytes)."""
    base = str(site.get("base_url", "/"))
    resources = []
    for table, path, data in tables:
        resources.append({
            "name": table.name, "path": path, "profile": "tabular-data-resource", "title": table.title,
            "description": table.description, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": len(data), "hash": f"sha256:{sha256(data)}", "schema": table_schema(table),
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


def files(sets: list[Dataset], today: datetime.date, site: dict) -> dict[str, bytes]:
    """Every file of the open data, by its path under the site: JSON, CSV, XLSX, datapackage.json."""
    out: dict[str, bytes] = {}
    described = []
    for dataset in sets:
        out[f"{FOLDER}/{dataset.name}.json"] = json_bytes(dataset, today)
        for table in dataset.tables:
            data = csv_bytes(table)
            out[f"{FOLDER}/{table.name}.csv"] = data
            described.append((table, f"{table.name}.csv", data))
        out[f"{FOLDER}/{dataset.name}.xlsx"] = xlsx_bytes(dataset, today, str(site.get("sponsor") or site.get("name")
                                                                                 or "portal"))
    document = package(described, today, site)
    out[f"{FOLDER}/{PACKAGE}"] = (json.dumps(document, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()
    return out
