"""Excel workbooks for clerks: `portal export xlsx` writes one body's records to a workbook,
`portal import xlsx` turns the workbook back into YAML.

Sheets and columns come from the schemas: one sheet per kind of record (执法事项, 执法人员,
执法决定, 裁量基准文件), the fields' Chinese titles as column names, nested fields flattened
(``当事人·名称``), and a list of records inside a record (an item's 调整记录, an officer's
培训记录) on a sheet of its own whose first column names the owner (事项编码, 执法证号).
Lists inside those lists work the same way, with compound keys: a benchmark document's
entries go on 裁量基准条目 (first column 文件标识), an entry's tiers on 裁量阶次 (条目标识),
and the fine ranges of the law and of each tier on 罚款幅度 (条目标识 and 阶次; a blank
阶次 means the statutory range). Entry ids are unique in the county, so 条目标识 alone
names an entry; a tier is named by its entry and its 阶次. The rows of one record keep their
order on the sheet. Each header carries a comment (the field's description, allowed values,
field path); enumerated fields have drop-downs; the hidden sheet ``_portal`` maps every
column to its field path, so the import is exact whatever the titles say.

Cells, the same both ways:

* a list of values (设定依据, 执法人员 …): one value per line in the cell (``ITEM_SEPARATOR``,
  Alt+Enter in Excel);
* a date: a real Excel date shown as YYYY-MM-DD, so a date typed by a clerk works; text
  such as 2024-04-10, 2024/4/10 or 2024年4月10日 is read too;
* yes / no: 是 or 否 (true / false are read too);
* a blank cell: the field is left out.

Import converts rows to records, writes them as YAML into a temporary copy of the project
and validates the copy on the ordinary path (checker.validate): a workbook passes exactly
the checks a YAML file would. Problems are traced back to sheet, row and column. Only when
there is no error is anything written: each file first to a temporary file beside it, then
all renamed. A file whose content the workbook does not change is not rewritten, so it
stays byte-identical; a changed file is rewritten in the hand-written style of writer.py
(its leading comment kept). Decision and benchmark files missing from the workbook are left
alone and named (a decision is withdrawn, a benchmark repealed, never deleted); items.yaml and
personnel.yaml are rewritten from their sheets, a benchmark document from its rows into
benchmarks/<标识>.yaml.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from collections.abc import Callable
from pathlib import Path as FsPath
from typing import Any, NamedTuple

from . import loader, writer
from .problems import ERROR, WARNING, Path, Problem, Severity, format_path
from .schemas import KIND_SCHEMAS, SchemaSet, Shape, coerce

#: How a list of values is written in one cell: one value per line.
ITEM_SEPARATOR = "\n"
FORMAT_MARK = "portal-xlsx"
FORMAT_VERSION = 1
META_SHEET = "_portal"
OPTIONS_SHEET = "_选项"
GUIDE_SHEET = "填写说明"
#: Pseudo-columns that are not fields: the owner of a row on a child sheet, a decision's file.
OWNER = ("#owner",)
FILE = ("#file",)
MAX_ROW = 1048576
YES, NO = "是", "否"

#: Problem codes of the export and the import (everything else is the ordinary validation's).
CODES = {
    "excel-unrepresentable": "数据无法在 Excel 中原样表示，导出会丢失内容",
    "excel-missing-sheet": "工作簿缺少导出时的工作表",
    "excel-missing-column": "工作表缺少导出时的列",
    "excel-unknown-column": "工作表中有不认识的列",
    "excel-formula": "单元格是公式",
    "excel-boolean": "是/否列填写了其他内容",
    "excel-owner": "子表中的行找不到所属记录",
    "excel-file-name": "执法决定的文件名、裁量基准文件的标识无效或重复",
}


# --- sheets and columns, from the schemas -----------------------------------------------

@dataclass(frozen=True)
class Kind:
    """A kind of record a workbook can hold, and where it lives in a body's folder."""

    name: str  # the --kind value
    layout: str  # the kind in layout.py / schemas.KIND_SCHEMAS
    list_key: str | None  # the list in the file (items.yaml: items); None: one record per file
    id_key: str  # what identifies a record (the owner column of its child sheets)
    file: str | None = None  # the file, for kinds kept in one file per body
    folder: str | None = None  # the body's sub-folder, for kinds kept one record per file
    file_column: bool = False  # a 文件名 column names each record's file (else: the file is <id>.yaml)
    #: sheet titles other than the schema's, by list (field names joined by dots; "" the main sheet)
    titles: dict[str, str] = field(default_factory=dict)
    #: lists whose records own rows on further sheets: list → (key field, whether the key is
    #: unique only within the owning record, so that rows name the owner's key too)
    keys: dict[str, tuple[str, bool]] = field(default_factory=dict)
    owner_header: str | None = None  # the main key's column name on child sheets, if not its own
    #: the column that a problem with a whole row of a list's sheet is shown at
    focus: dict[str, str] = field(default_factory=dict)


KINDS = {
    "items": Kind("items", "items", "items", "code", "items.yaml"),
    "officers": Kind("officers", "personnel", "officers", "cert_no", "personnel.yaml"),
    "decisions": Kind("decisions", "decision", None, "doc_no", folder="decisions", file_column=True),
    "benchmarks": Kind(
        "benchmarks", "benchmark", None, "id", folder="benchmarks",
        titles={"": "裁量基准文件", "entries": "裁量基准条目"},
        keys={"entries": ("id", False), "entries.tiers": ("tier", True)},
        owner_header="文件标识",
        focus={"entries.statutory.fines": "min", "entries.tiers.fines": "min"}),
}
#: Fields filled from the workbook (the body it was exported for), not from a column.
FROM_WORKBOOK = {"decisions": ("agency",), "benchmarks": ("agency",)}


@dataclass
class Column:
    path: Path  # inside the record (or the child record), e.g. ("party", "name")
    header: str
    shape: Shape | None = None  # None for FILE
    listed: bool = False  # a list of values, one per line
    note: str | None = None  # the header comment's first lines, when not the field's description

    @property
    def leaf(self) -> Shape | None:
        return self.shape.items if self.listed and self.shape is not None else self.shape

    @property
    def value_type(self) -> str:
        leaf = self.leaf
        if leaf is None:
            return "text"
        if leaf.format == "date":
            return "date"
        if "boolean" in leaf.types:
            return "boolean"
        if "string" not in leaf.types and leaf.types & {"number", "integer"}:
            return "number"
        return "text"

    @property
    def key(self) -> str:
        return format_path(self.path)

    @property
    def owner(self) -> bool:
        return self.path[:1] == OWNER


@dataclass(eq=False)
class Sheet:
    """One worksheet: the records of one list (or the main records), one per row. The rows of
    a child sheet start with owner columns naming the record they belong to."""

    title: str
    columns: list[Column]
    #: the record's fields in schema order: a Column, a Link to a list kept on another sheet,
    #: or a field name filled from the workbook
    order: list[Column | Link | str] = field(default_factory=list, repr=False)
    homes: list[Link] = field(default_factory=list, repr=False)  # where its records sit (none: the main sheet)
    key: Path | None = None  # what names a record here on the sheets of its lists
    scoped: bool = False  # the key is unique only within the owning record
    focus: Path | None = None  # where a problem with the whole row is shown

    def column(self, path: Path) -> Column | None:
        return next((c for c in self.columns if c.path == path), None)

    @property
    def owners(self) -> list[Column]:
        return [c for c in self.columns if c.owner]

    @property
    def links(self) -> list[Link]:
        return [entry for entry in self.order if isinstance(entry, Link)]


@dataclass(eq=False)
class Link:
    """A list of records inside the records of `parent`, kept on the sheet `child`."""

    parent: Sheet = field(repr=False)
    field: Path  # where the list sits in a parent record, e.g. ("tiers",) or ("statutory", "fines")
    child: Sheet = field(repr=False)
    header: str  # the list's name, e.g. 法定处罚·罚款幅度


def chain(sheet: Sheet) -> list[Sheet]:
    """The sheets whose keys together name a record of `sheet` (its ident): the sheet itself,
    after its owner's chain when its key is unique only within the owner."""
    if sheet.scoped:
        return [*chain(sheet.homes[0].parent), sheet]
    return [sheet]


@dataclass
class Layout:
    """How one kind of record is spread over sheets."""

    kind: Kind
    shape: Shape  # one record: an item, an officer, a decision, a benchmark document
    document: Shape  # the whole file
    main: Sheet
    children: list[Sheet]  # every other sheet, each after the sheets of its owners

    @property
    def sheets(self) -> list[Sheet]:
        return [self.main, *self.children]


@dataclass
class _List:
    """A list of records met while flattening a record (it becomes a sheet of its own)."""

    path: Path
    shape: Shape
    title: str
    header: str


def _header(titles: list[str], title: str) -> str:
    # 当事人 + 当事人名称 → 当事人·名称
    if titles and title.startswith(titles[-1]) and len(title) > len(titles[-1]):
        title = title[len(titles[-1]):]
    return "·".join([*titles, title])


def _is_record_list(shape: Shape) -> bool:
    return "array" in shape.types and shape.items is not None and "object" in shape.items.types


#: Variant fields: discriminator → field → [(discriminator value, title, description)], from
#: ``allOf: [{if: {properties: {kind: {const: …}}}, then: …}]`` in a schema.
Variants = dict[str, dict[str, list[tuple[Any, str | None, str | None]]]]


def _variants(schemas: SchemaSet, kind: str) -> Variants:
    """Which fields apply to which value of a discriminator (the fields of a benchmark entry of
    行政处罚 / 行政许可 …), so one column can say what it holds for each."""
    name = KIND_SCHEMAS[kind]
    found: Variants = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for value in node:
                walk(value)
        if not isinstance(node, dict):
            return
        for part in node.get("allOf") or ():
            condition = part.get("if", {}).get("properties", {}) if isinstance(part, dict) else {}
            then = part.get("then") if isinstance(part, dict) else None
            if len(condition) != 1 or not isinstance(then, dict):
                continue
            (discriminator, test), = condition.items()
            if not isinstance(test, dict) or "const" not in test:
                continue
            if isinstance(then.get("$ref"), str):
                then, _ = schemas.resolve(then["$ref"], name)
            for key, prop in (then.get("properties") or {}).items():
                if isinstance(prop, dict):
                    found.setdefault(discriminator, {}).setdefault(key, []).append(
                        (test["const"], prop.get("title"), prop.get("description")))
        for value in node.values():
            walk(value)

    walk(schemas.documents[name])
    return found


def _variant_note(shape: Shape, kinds: list[tuple[Any, str | None, str | None]], discriminator: Shape,
                  own: bool) -> str:
    """A variant field's comment: its description for each value, and when to fill it in."""
    values = "、".join(str(value) for value, _, _ in kinds)
    lines = []
    descriptions = {description for _, _, description in kinds}
    if own and len(descriptions) > 1:
        lines.extend(f"{value}：{description}" for value, _, description in kinds if description)
    elif shape.description:
        lines.append(shape.description)
    lines.append(f"仅在「{discriminator.title}」为 {values} 时填写。")
    return "\n".join(lines)


def _fields(shape: Shape, prefix: Path, titles: list[str], omit: tuple[str, ...], variants: Variants,
            applies: tuple[list, Shape] | None = None) -> list[Column | _List | str]:
    out: list[Column | _List | str] = []
    split = next(((key, fields) for key, fields in variants.items() if key in shape.props), None) if not prefix \
        else None
    for key, sub in shape.props.items():
        path = prefix + (key,)
        title = sub.title or key
        mine = applies
        if split is not None and key in split[1]:
            kinds = split[1][key]
            mine = (kinds, shape.props[split[0]])
            names = list(dict.fromkeys(t for _, t, _ in kinds if t))
            if len(names) > 1:
                title = "／".join(names)  # one column, named for each kind of record it serves
        if not prefix and key in omit:
            out.append(key)
        elif _is_record_list(sub):
            assert sub.items is not None
            out.append(_List(path, sub.items, sub.title or sub.items.title or key, _header(titles, title)))
        elif "object" in sub.types and sub.props:
            out.extend(_fields(sub, path, [*titles, title], omit, variants, mine))
        else:
            listed = "array" in sub.types and sub.items is not None
            note = _variant_note(sub, mine[0], mine[1], not prefix) if mine is not None else None
            out.append(Column(path, _header(titles, title), sub, listed, note))
    return out


def build_layout(schemas: SchemaSet, kind: Kind) -> Layout:
    document = schemas.shape(kind.layout)
    shape = document.props[kind.list_key].items if kind.list_key else document
    assert shape is not None
    variants = _variants(schemas, kind.layout)
    made: list[Sheet] = []

    def sheet_for(record: Shape, name: str, title: str, omit: tuple[str, ...]) -> Sheet:
        order = _fields(record, (), [], omit, variants)
        columns = [entry for entry in order if isinstance(entry, Column)]
        title = kind.titles.get(name, title)
        same = next((s for s in made if s.title == title), None)
        if same is not None:  # another list of the same records (罚款幅度 of the law and of a tier)
            if [(c.path, c.header) for c in same.columns if not c.owner] != [(c.path, c.header) for c in columns]:
                raise ValueError(f"工作表「{title}」对应两种不同的记录")  # pragma: no cover - schema change
            return same
        sheet = Sheet(title, columns)
        made.append(sheet)
        focus = kind.focus.get(name)
        sheet.focus = (focus,) if focus else None
        if not name:
            sheet.key = (kind.id_key,)
        elif name in kind.keys:
            key, sheet.scoped = kind.keys[name]
            sheet.key = (key,)
        for entry in order:
            if isinstance(entry, _List):
                if sheet.key is None:
                    raise ValueError(f"Excel 不支持多层嵌套的列表：{name}.{format_path(entry.path)}")
                inner = f"{name}.{format_path(entry.path)}" if name else format_path(entry.path)
                child = sheet_for(entry.shape, inner, entry.title, ())
                link = Link(sheet, entry.path, child, entry.header)
                child.homes.append(link)
                sheet.order.append(link)
            else:
                sheet.order.append(entry)
        return sheet

    main = sheet_for(shape, "", shape.title or kind.name, FROM_WORKBOOK.get(kind.name, ()))
    if kind.file_column:
        main.columns.append(Column(FILE, "文件名"))
    children: list[Sheet] = []
    pending = made[1:]
    while pending:  # each sheet after the sheets of its owners, so rows find their owners
        ready = next(s for s in pending if all(h.parent is main or h.parent in children for h in s.homes))
        children.append(ready)
        pending.remove(ready)
    for sheet in children:
        sheet.columns[:0] = _owner_columns(kind, main, sheet)
    for sheet in (main, *children):
        headers = [c.header for c in sheet.columns]
        if len(set(headers)) != len(headers):  # pragma: no cover - a schema change would show here
            raise ValueError(f"工作表「{sheet.title}」的列名重复：{headers}")
    return Layout(kind, shape, document, main, children)


def _owner_columns(kind: Kind, main: Sheet, sheet: Sheet) -> list[Column]:
    """The first columns of a child sheet: the keys of the record a row belongs to. When its
    records sit in lists at several places (a tier's fines, the law's fines), the shorter
    owner leaves the last columns blank."""
    chains = sorted((chain(home.parent) for home in sheet.homes), key=len)
    longest = chains[-1]
    if any(c != longest[:len(c)] for c in chains):  # pragma: no cover - a schema change would show here
        raise ValueError(f"工作表「{sheet.title}」的记录属于互不相关的记录")
    columns = []
    for depth, owner in enumerate(longest):
        assert owner.key is not None
        keyed = owner.column(owner.key)
        assert keyed is not None
        header = kind.owner_header if owner is main and kind.owner_header else keyed.header
        note = f"本行所属记录的{keyed.header}，与工作表「{owner.title}」中的{keyed.header}一致。"
        shorter = next((home for home in sheet.homes if len(chain(home.parent)) == depth), None)
        if shorter is not None:
            note += f"不填时，本行是工作表「{shorter.parent.title}」中该记录的「{shorter.header}」。"
        path = OWNER if depth == 0 else OWNER + (format_path(owner.key),)
        columns.append(Column(path, header, keyed.shape, keyed.listed, note))
    return columns


# --- cells ---------------------------------------------------------------------------------

class _Unrepresentable(Exception):
    """A value no cell can hold as it is; `path` says where, inside the record."""

    def __init__(self, path: Path = ()):
        super().__init__(format_path(path))
        self.path = path


def _element_text(value: Any, column: Column) -> str:
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, (int, float)):
        return _number_text(value)
    if not isinstance(value, str):
        raise _Unrepresentable
    return value


def to_cell(value: Any, column: Column) -> Any:
    """A record's value as the cell's value; `_Unrepresentable` if a cell cannot hold it."""
    if value is None:
        return None
    if column.listed:
        if not isinstance(value, list) or not value:
            raise _Unrepresentable
        parts = [_element_text(v, column) for v in value]
        if any("\n" in p or "\r" in p or not p.strip() for p in parts):
            raise _Unrepresentable
        return ITEM_SEPARATOR.join(parts)
    if isinstance(value, (dict, list)):
        raise _Unrepresentable
    kind = column.value_type
    if kind == "boolean" and isinstance(value, bool):
        return YES if value else NO
    if kind == "date" and isinstance(value, str) and _iso_date(value):
        return datetime.date.fromisoformat(value)
    if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise _Unrepresentable  # a blank cell reads as "no value"
        return value
    return _element_text(value, column)


def _iso_date(text: str) -> bool:
    try:
        return re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None and bool(datetime.date.fromisoformat(text))
    except ValueError:
        return False


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


_LOOSE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _text_of(value: Any, column: Column) -> str:
    """A single cell value as the text a clerk would have typed in YAML."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number_text(value)
    text = str(value)
    if column.value_type == "date":
        match = _LOOSE_DATE.fullmatch(text.strip())
        if match:
            try:
                return datetime.date(*map(int, match.groups())).isoformat()
            except ValueError:
                return text  # not a real date: the schema says so, at this cell
    if column.value_type == "number":
        return text.strip()
    return text


def from_cell(value: Any, column: Column) -> tuple[Any, str | None]:
    """A cell's value as record text (what the YAML loader would give), or None for a blank
    cell; and a message when the cell itself is wrong in a way the schema would word badly."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if column.listed:
        if isinstance(value, str):
            parts = [part.rstrip("\r") for part in value.split(ITEM_SEPARATOR)]
            return [part for part in parts if part.strip()], None
        return [_text_of(value, column)], None
    if column.value_type == "boolean":
        text = str(value).strip().lower() if not isinstance(value, bool) else ("true" if value else "false")
        if text in (YES, "true"):
            return "true", None
        if text in (NO, "false"):
            return "false", None
        return str(value), f"「{column.header}」只能填写“{YES}”或“{NO}”，实际是“{value}”。"
    return _text_of(value, column), None


# --- records ---------------------------------------------------------------------------------

def _put(record: dict, path: Path, value: Any) -> None:
    for part in path[:-1]:
        record = record.setdefault(part, {})
    record[path[-1]] = value


def _get(record: Any, path: Path) -> Any:
    for part in path:
        if not isinstance(record, dict):
            return None
        record = record.get(part)
    return record


@dataclass(eq=False)
class _Node:
    """A row read back as a record, with the rows of other sheets that belong to it."""

    sheet: Sheet
    number: int  # the Excel row
    values: dict[Path, Any]  # converted cell values (see `from_cell`)
    ident: tuple[str, ...] | None = None
    children: dict[Link, list[_Node]] = field(default_factory=dict)


#: How `_tree` reports a row whose owner cannot be found: (sheet, row, owner column, message).
Report = Callable[[Sheet, int, Column, str], None]


def _ident(sheet: Sheet, values: dict[Path, Any], owner: tuple[str, ...] | None) -> tuple[str, ...] | None:
    key = values.get(sheet.key) if sheet.key else None
    if not isinstance(key, str):
        return None
    if sheet.scoped:
        return None if owner is None else (*owner, key)
    return (key,)


def _tree(layout: Layout, rows: dict[str, list[tuple[int, dict[Path, Any]]]], report: Report | None) -> list[_Node]:
    """The main sheet's rows as records, each holding the rows of the other sheets that name it
    (in the order of the rows). A row naming no record, or one that does not exist, is reported."""
    index: dict[str, dict[tuple[str, ...], _Node]] = {sheet.title: {} for sheet in layout.sheets}
    main = []
    for number, values in rows.get(layout.main.title, []):
        node = _Node(layout.main, number, values, _ident(layout.main, values, None))
        if node.ident is not None:
            index[layout.main.title].setdefault(node.ident, node)  # a repeated key: validation says so
        main.append(node)
    for sheet in layout.children:
        owners = sheet.owners
        for number, values in rows.get(sheet.title, []):
            given = [values.get(column.path) for column in owners]
            found = _owner(sheet, given, index)
            if isinstance(found, _Orphan):
                if report is not None:
                    report(sheet, number, owners[found.column], found.message)
                continue
            parent, link = found
            node = _Node(sheet, number, values, _ident(sheet, values, parent.ident))
            parent.children.setdefault(link, []).append(node)
            if node.ident is not None:
                index[sheet.title].setdefault(node.ident, node)
    return main


class _Orphan(NamedTuple):
    """A child row whose owner columns name no record: the owner column to blame, and why."""

    column: int
    message: str


def _owner(sheet: Sheet, given: list[Any], index: dict[str, dict[tuple[str, ...], _Node]]
           ) -> tuple[_Node, Link] | _Orphan:
    """The record a child row belongs to and the list it goes in, or (owner column, message)."""
    owners = sheet.owners
    filled = max((i + 1 for i, value in enumerate(given) if value is not None), default=0)
    blank = next((i for i, value in enumerate(given[:filled]) if value is None), None)
    link = next((home for home in sheet.homes if len(chain(home.parent)) == filled), None)
    if blank is None and link is None:
        blank = filled
    if blank is not None:
        return _Orphan(blank, f"「{owners[blank].header}」不能为空：请写明本行属于哪条记录。")
    assert link is not None
    owner_chain = chain(link.parent)
    for depth in range(filled):
        ident = tuple(given[:depth + 1])
        node = index[owner_chain[depth].title].get(ident)
        if node is None:
            title = owner_chain[depth].title
            if depth == 0:
                return _Orphan(0, f"「{owners[0].header}」{given[0]} 在工作表「{title}」中不存在。")
            named = "、".join(f"「{owners[i].header}」为 {given[i]}" for i in range(depth + 1))
            return _Orphan(depth, f"工作表「{title}」中没有{named}的行。")
    return node, link


def _record(node: _Node, agency: str) -> dict:
    """One record from a row and the rows that belong to it, its fields in schema order."""
    record: dict = {}
    for entry in node.sheet.order:
        if isinstance(entry, str):
            record[entry] = agency
        elif isinstance(entry, Link):
            rows = node.children.get(entry)
            if rows:
                _put(record, entry.field, [_record(row, agency) for row in rows])
        elif node.values.get(entry.path) is not None:
            _put(record, entry.path, node.values[entry.path])
    return record


def prune(value: Any) -> Any:
    """Drop what a workbook cannot tell apart from absence: empty values, lists and mappings."""
    if isinstance(value, dict):
        pruned = {key: prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item not in (None, [], {})}
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


def _difference(a: Any, b: Any, path: Path = ()) -> Path:
    """The first path where two values differ (for saying what an export would lose)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key) != b.get(key):
                return _difference(a.get(key), b.get(key), path + (key,))
    if isinstance(a, list) and isinstance(b, list):
        for index, (x, y) in enumerate(zip(a, b, strict=False)):
            if x != y:
                return _difference(x, y, path + (index,))
    return path


# --- export --------------------------------------------------------------------------------

@dataclass
class _Row:
    cells: dict[Path, Any]
    children: dict[str, list[dict[Path, Any]]] = field(default_factory=dict)  # sheet title → rows


def _cells(columns: list[Column], record: dict, prefix: Path) -> dict[Path, Any]:
    cells = {}
    for column in columns:
        if column.path == FILE or column.owner:
            continue
        try:
            cells[column.path] = to_cell(_get(record, column.path), column)
        except _Unrepresentable:
            value = _get(record, column.path)
            inner = next((i for i, v in enumerate(value) if not isinstance(v, str) or "\n" in v or not v.strip()),
                         None) if isinstance(value, list) else None
            raise _Unrepresentable(prefix + column.path + (() if inner is None else (inner,))) from None
    return cells


def _rows_of(layout: Layout, record: dict, file_name: str | None) -> _Row:
    cells = _cells(layout.main.columns, record, ())
    if file_name is not None:
        cells[FILE] = file_name
    row = _Row(cells)
    _flatten(layout.main, record, (), None, row)
    return row


def _flatten(sheet: Sheet, record: dict, where: Path, owner: tuple[str, ...] | None, row: _Row) -> None:
    """The rows of the lists inside `record` (and of the lists inside those), on their sheets."""
    ident = None
    for link in sheet.links:
        entries = _get(record, link.field)
        if entries is None:
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise _Unrepresentable(where + link.field)
        if entries and ident is None:
            assert sheet.key is not None
            key = _get(record, sheet.key)
            ident = _ident(sheet, {sheet.key: key}, owner) if isinstance(key, str) and key.strip() else None
            if ident is None:  # its rows could not name it
                raise _Unrepresentable(where + sheet.key)
        child = link.child
        for index, entry in enumerate(entries):
            at = where + link.field + (index,)
            cells = {column.path: key for column, key in zip(child.owners, ident or (), strict=False)}
            cells.update(_cells(child.columns, entry, at))
            row.children.setdefault(child.title, []).append(cells)
            _flatten(child, entry, at, ident, row)


def _read_back(layout: Layout, rows: list[_Row], agency: str) -> list[dict]:
    """What import would make of exported rows (without Excel in between): one record per row."""

    def values(sheet: Sheet, cells: dict[Path, Any]) -> dict[Path, Any]:
        converted = {column.path: from_cell(cells.get(column.path), column)[0] for column in sheet.columns}
        return {path: value for path, value in converted.items() if value is not None}

    table = {layout.main.title: [(number, values(layout.main, row.cells)) for number, row in enumerate(rows)]}
    for sheet in layout.children:
        table[sheet.title] = [(0, values(sheet, cells)) for row in rows for cells in row.children.get(sheet.title, [])]
    return [_record(node, agency) for node in _tree(layout, table, None)]


@dataclass
class Export:
    """What `portal export xlsx` found: rows per kind, or problems that stop the export."""

    agency: str
    agency_name: str
    layouts: list[Layout]
    rows: dict[str, list[_Row]]
    problems: list[Problem]


def collect(root: FsPath, agency: str, kinds: list[str], schemas: SchemaSet | None = None) -> Export:
    """Read one body's records and turn them into rows; any record that would not come back
    unchanged through import (or a file that does not load) is a problem instead."""
    from .checker import load_corpus

    schemas = schemas or SchemaSet()
    corpus, loaded = load_corpus(root, schemas)
    layouts = [build_layout(schemas, KINDS[name]) for name in kinds]
    problems: list[Problem] = []
    rows: dict[str, list[_Row]] = {}
    mine = {d.file: d for d in corpus.documents if d.placement.agency == agency}
    folder = f"data/agencies/{agency}/"
    unloadable = [p for p in loaded if p.file.startswith(folder) and p.code in loader.CODES]
    agency_doc = next((d for d in mine.values() if d.kind == "agency"), None)
    name = str(agency_doc.get("name") or agency) if agency_doc else agency
    for layout in layouts:
        kind = layout.kind
        problems.extend(p for p in unloadable if _file_kind(p.file, folder) == kind.layout)
        documents = sorted((d for d in mine.values() if d.kind == kind.layout), key=lambda d: d.file)
        candidates: list[tuple[str, Path, dict, _Row]] = []
        for document in documents:
            if kind.list_key is None:
                stem = document.file[len(folder) + len(f"{kind.folder}/"):-len(".yaml")]
                if not kind.file_column and document.get(kind.id_key) != stem:
                    problems.append(_lossy(document.file, (kind.id_key,)))  # import names the file by it
                    continue
                records = [((), document.data, stem if kind.file_column else None)]
            else:
                records = [(path, value, None) for path, value in document.records(kind.list_key)]
                expected = {"agency": agency, kind.list_key: document.get(kind.list_key)}
                if prune(document.data) != prune(expected):
                    path = _difference(prune(document.data), prune(expected))
                    problems.append(_lossy(document.file, path))
                    continue
                if len(records) != len(document.get(kind.list_key) or []):
                    problems.append(_lossy(document.file, (kind.list_key,)))
                    continue
            for path, record, stem in records:
                try:
                    candidates.append((document.file, path, record, _rows_of(layout, record, stem)))
                except _Unrepresentable as refused:
                    problems.append(_lossy(document.file, path + refused.path))
        # Read back all rows of the kind at once, as import does: a child row goes to the first
        # record its owner columns name, whichever file that record is in.
        out: list[_Row] = []
        rows[kind.name] = out
        backs = _read_back(layout, [row for *_, row in candidates], agency)
        for (file, path, record, row), back in zip(candidates, backs, strict=True):
            back = coerce(back, layout.shape)
            if prune(back) != prune(record):
                problems.append(_lossy(file, path + _difference(prune(record), prune(back))))
                continue
            out.append(row)
    return Export(agency, name, layouts, rows, problems)


def _file_kind(file: str, folder: str) -> str | None:
    rest = file[len(folder):]
    if rest == "items.yaml":
        return "items"
    if rest == "personnel.yaml":
        return "personnel"
    if rest.startswith("decisions/"):
        return "decision"
    if rest.startswith("benchmarks/"):
        return "benchmark"
    return None


def _lossy(file: str, path: Path) -> Problem:
    where = f"字段 {format_path(path)} 的值" if path else "这条记录"
    return Problem("excel-unrepresentable",
                   f"{where}无法在 Excel 中原样表示（例如列表项中有换行或空项、字段不符合数据规范、值为空），"
                   "导出再导入会改变它。请先在 YAML 中改正，再导出。", file, path=path)


def summary(export: Export) -> str:
    counts = []
    for layout in export.layouts:
        rows = export.rows[layout.kind.name]
        counts.append(f"{layout.main.title} {len(rows)} 行")
        for sheet in layout.children:
            counts.append(f"{sheet.title} {sum(len(r.children.get(sheet.title, [])) for r in rows)} 行")
    return "，".join(counts)


def write_workbook(export: Export, out: FsPath) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    guide = book.active
    guide.title = GUIDE_SHEET
    _write_guide(guide, export)
    options = book.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    meta.append([FORMAT_MARK, FORMAT_VERSION])
    meta.append(["执法主体", export.agency])
    meta.append(["导出种类", ",".join(layout.kind.name for layout in export.layouts)])
    meta.append(["工作表", "列名", "字段"])
    option_ranges: dict[tuple, str] = {}

    def option_range(values: list) -> str:
        key = tuple(values)
        if key not in option_ranges:
            column = get_column_letter(len(option_ranges) + 1)
            for index, value in enumerate(values, start=1):
                options[f"{column}{index}"] = value
            option_ranges[key] = f"'{OPTIONS_SHEET}'!${column}$1:${column}${len(values)}"
        return option_ranges[key]

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    top = Alignment(vertical="top", wrap_text=True)
    formats = {"date": "yyyy-mm-dd", "number": "General", "text": "@", "boolean": "@"}
    for layout in export.layouts:
        rows = export.rows[layout.kind.name]
        for sheet in layout.sheets:
            ws = book.create_sheet(sheet.title, index=len(book.sheetnames) - 2)
            ws.freeze_panes = "A2"
            for index, column in enumerate(sheet.columns, start=1):
                letter = get_column_letter(index)
                cell = ws.cell(1, index, column.header)
                cell.font, cell.fill, cell.alignment = bold, fill, top
                comment = Comment(_describe(column, sheet), "portal")
                comment.width, comment.height = 320, 160
                cell.comment = comment
                meta.append([sheet.title, column.header, column.key])
                number_format = formats["text" if column.listed else column.value_type]
                ws.column_dimensions[letter].number_format = number_format
                ws.column_dimensions[letter].width = _width(column)
                _validation(ws, column, letter, option_range, DataValidation)
            if sheet is layout.main:
                data = [row.cells for row in rows]
            else:
                data = [child for row in rows for child in row.children.get(sheet.title, [])]
            for number, cells in enumerate(data, start=2):
                for index, column in enumerate(sheet.columns, start=1):
                    value = cells.get(column.path)
                    cell = ws.cell(number, index)
                    cell.value = value
                    if isinstance(value, str):
                        cell.data_type = "s"  # text such as "=…" stays text, never a formula
                    cell.number_format = formats["text" if column.listed else column.value_type]
                    cell.alignment = top
    book.save(out)


def _describe(column: Column, sheet: Sheet) -> str:
    lines = []
    if column.note:
        lines.append(column.note)
    elif column.path == FILE:
        lines.append("执法决定保存的文件：年份/文件名（如 2024/2024-012）。新增的决定可不填，"
                     "按决定日期和文书号自动生成；不要修改已有决定的文件名。")
    elif column.shape is not None and column.shape.description:
        lines.append(column.shape.description)
    leaf = column.leaf
    if leaf is not None and leaf.enum:
        lines.append("可选：" + "、".join(map(str, leaf.enum)))
    if column.listed:
        lines.append("多项时每行写一项（单元格内换行：Alt+Enter）。")
    if column.value_type == "date":
        lines.append("日期，例如 2024-04-10。")
    if column.value_type == "boolean":
        lines.append(f"填“{YES}”或“{NO}”。")
    lines.append(f"字段：{column.key}")
    return "\n".join(lines)


def _width(column: Column) -> float:
    if column.value_type == "date":
        return 12
    if column.listed or (column.leaf is not None and not column.leaf.enum and column.value_type == "text"):
        return 30
    return max(10, min(24, 2 * len(column.header) + 2))


def _validation(ws: Any, column: Column, letter: str, option_range: Any, DataValidation: Any) -> None:
    if column.listed:
        return
    cells = f"{letter}2:{letter}{MAX_ROW}"
    leaf = column.leaf
    if leaf is not None and leaf.enum:
        rule = DataValidation(type="list", formula1=option_range(list(leaf.enum)), allow_blank=True,
                              showErrorMessage=True, errorTitle="不在可选范围内",
                              error="请从下拉列表中选择。")
    elif column.value_type == "boolean":
        rule = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True,
                              errorTitle="只能填是或否", error=f"请填写“{YES}”或“{NO}”。")
    elif column.value_type == "date":
        rule = DataValidation(type="date", operator="between", formula1="DATE(1949,10,1)",
                              formula2="DATE(2099,12,31)", allow_blank=True, showErrorMessage=True,
                              errorTitle="日期无效", error="请填写日期，例如 2024-04-10。")
    else:
        return
    ws.add_data_validation(rule)
    rule.add(cells)


def _write_guide(ws: Any, export: Export) -> None:
    from openpyxl.styles import Font

    lines = [
        f"{export.agency_name}（{export.agency}）执法数据",
        "",
        "本工作簿由 portal export xlsx 导出，改好后用 portal import xlsx 导入：检查全部通过才写入数据，"
        "有任何错误则一个文件也不写，并逐个指出出错的工作表、行和列。",
        "",
        "填写规则：",
        "1. 每行一条记录。新增记录在表格末尾添加一行；不要修改第一行的列名，不要删除列或工作表。",
        f"2. 一个单元格中有多项（如多条法律依据、多名执法人员）时，每行写一项（{ITEM_SEPARATOR!r} 换行：Alt+Enter）。",
        "3. 日期直接输入，例如 2024-04-10。",
        f"4. 是否类的列填“{YES}”或“{NO}”；有下拉箭头的列从列表中选择。",
        "5. 不填的单元格表示没有该项。不要使用公式。",
        "6. 调整记录、培训记录等在单独的工作表中，每行第一列写所属事项的编码或执法人员的执法证号。"
        "裁量基准也是这样：裁量基准条目的第一列写所属文件的标识，裁量阶次的第一列写条目标识，"
        "罚款幅度写条目标识和阶次（阶次不填表示该条目的法定罚款幅度）。同一记录的各行按表中的先后顺序写回。",
        "7. 执法决定的“文件名”列：新增决定可不填，导入时按决定日期和文书号自动生成。"
        "从工作簿中删除的决定不会从网站上删除；撤回决定请把状态改为“已撤回”并填写撤回信息。",
        "8. 执法事项和执法人员按工作表整体写回：删除一行就会从清单中删除该事项或人员。",
        "9. 裁量基准每个文件按标识写回 benchmarks/<标识>.yaml：删除条目、阶次或幅度的行就会从该文件中删除；"
        "从工作簿中删除的基准文件不会被删除，废止请把状态改为“已废止”。",
        "",
        "把鼠标移到列名上可以看到该列的说明和可选值。",
    ]
    for number, line in enumerate(lines, start=1):
        ws.cell(number, 1, line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


# --- import --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """Where a record (or a child record) came from in the workbook."""

    sheet: str
    row: int
    letters: tuple[tuple[Path, str, str], ...]  # (column path, Excel letter, header) as found
    focus: Path | None = None  # the column for a problem with the whole row


@dataclass(frozen=True)
class Finding:
    """A problem, and the cell it belongs to (when it belongs to one)."""

    problem: Problem
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # Excel letter
    header: str | None = None

    @property
    def where(self) -> str:
        if self.sheet is None:
            p = self.problem
            return f"{p.file}:{p.line}:{p.column}" if p.line else p.file
        where = f"工作表「{self.sheet}」"
        if self.row is not None:
            where += f"第 {self.row} 行"
        if self.column is not None:
            where += f" {self.column} 列"
        if self.header is not None:
            where += f"「{self.header}」"
        return where

    def line(self) -> str:
        p = self.problem
        source = f"（依据：{p.source}）" if p.source else ""
        return f"{self.where}：{p.severity.label} [{p.code}] {p.message}{source}"


@dataclass
class Plan:
    """A workbook read: the files it describes, where each record came from, and the
    problems found in the cells themselves."""

    agency: str
    files: dict[str, Any] = field(default_factory=dict)  # project-relative path → typed document
    shapes: dict[str, Shape] = field(default_factory=dict)
    places: dict[tuple[str, Path], Place] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    sheet_order: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


class NotAWorkbook(Exception):
    """The file is not a workbook written by `portal export xlsx` (the CLI exits 2)."""


def _cell_finding(code: str, message: str, sheet: str, row: int | None = None, letter: str | None = None,
                  header: str | None = None, severity: Severity = ERROR) -> Finding:
    return Finding(Problem(code, message, "", severity=severity), sheet, row, letter, header)


@dataclass
class _SheetRows:
    letters: dict[Path, tuple[str, str]]  # column path → (letter, header as found)
    rows: list[tuple[int, dict[Path, Any]]]  # (Excel row, converted values)


def read_workbook(path: FsPath, root: FsPath, schemas: SchemaSet | None = None) -> Plan:
    """Turn an exported workbook back into the files it stands for (nothing is written)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    schemas = schemas or SchemaSet()
    try:
        book = load_workbook(path)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise NotAWorkbook(f"无法打开 {path}：{exc}（需要 .xlsx 格式的工作簿）") from None
    if META_SHEET not in book.sheetnames or book[META_SHEET]["A1"].value != FORMAT_MARK:
        raise NotAWorkbook(f"{path} 不是由 portal export xlsx 导出的工作簿（缺少隐藏的 {META_SHEET} 工作表）。"
                           "请先用 portal export xlsx 导出，在导出的工作簿中修改。")
    meta = book[META_SHEET]
    agency = str(meta["B2"].value or "")
    kinds = [k for k in str(meta["B3"].value or "").split(",") if k]
    if not (root / "data" / "agencies" / agency / "agency.yaml").is_file():
        raise NotAWorkbook(f"工作簿属于执法主体 {agency}，但 {root}/data/agencies/{agency}/ 中没有 agency.yaml。")
    if not kinds or any(k not in KINDS for k in kinds):
        raise NotAWorkbook(f"工作簿的导出种类无效：{meta['B3'].value}")
    mapping: dict[str, dict[str, str]] = {}
    for sheet, header, key in meta.iter_rows(min_row=5, max_col=3, values_only=True):
        if sheet and header and key:
            mapping.setdefault(str(sheet), {})[str(header)] = str(key)

    plan = Plan(agency, kinds=kinds)
    for name in kinds:
        layout = build_layout(schemas, KINDS[name])
        plan.sheet_order.extend(sheet.title for sheet in layout.sheets)
        sheets = {sheet.title: _read_sheet(book, sheet, mapping, plan) for sheet in layout.sheets}
        if any(read is None for read in sheets.values()):
            continue
        _plan_kind(layout, {title: read for title, read in sheets.items() if read is not None}, root, plan)
    return plan


def _read_sheet(book: Any, sheet: Sheet, mapping: dict[str, dict[str, str]], plan: Plan) -> _SheetRows | None:
    from openpyxl.utils import get_column_letter

    if sheet.title not in book.sheetnames:
        plan.findings.append(_cell_finding(
            "excel-missing-sheet", f"缺少工作表「{sheet.title}」。请不要删除或改名导出的工作表。", sheet.title))
        return None
    ws = book[sheet.title]
    known = mapping.get(sheet.title, {})
    by_key = {column.key: column for column in sheet.columns}
    found: dict[Path, tuple[int, str, str]] = {}
    ok = True
    for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
        if cell.value is None or not str(cell.value).strip():
            continue
        header = str(cell.value)
        letter = get_column_letter(cell.column)
        column = by_key.get(known.get(header, ""))
        if column is None:
            plan.findings.append(_cell_finding("excel-unknown-column", f"列名“{header}”不是本工作表导出时的列。"
                                               "请删除该列，或把列名改回导出时的样子。", sheet.title, 1, letter))
            ok = False
        elif column.path in found:
            plan.findings.append(_cell_finding("excel-unknown-column", f"列“{header}”出现了两次，请删除其中一列。",
                                               sheet.title, 1, letter))
            ok = False
        else:
            found[column.path] = (cell.column, letter, header)
    for column in sheet.columns:
        if column.path not in found:
            plan.findings.append(_cell_finding("excel-missing-column", f"缺少列“{column.header}”。请不要删除导出的列"
                                               "（工作簿可能由旧版本导出，请重新导出）。", sheet.title, 1))
            ok = False
    if not ok:
        return None
    rows: list[tuple[int, dict[Path, Any]]] = []
    for number, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        values: dict[Path, Any] = {}
        by_index = {cell.column: cell for cell in cells}
        for path, (index, letter, header) in found.items():
            cell = by_index.get(index)
            if cell is None or cell.value is None:
                continue
            column = sheet.column(path)
            assert column is not None
            if cell.data_type == "f":
                plan.findings.append(_cell_finding(
                    "excel-formula", f"「{header}」是公式（{cell.value}）。请改为直接填写值"
                    "（复制后“选择性粘贴 → 数值”）。", sheet.title, number, letter, header))
                continue
            value, message = from_cell(cell.value, column)
            if message:
                plan.findings.append(_cell_finding("excel-boolean", message, sheet.title, number, letter, header))
            if value is not None:
                values[path] = value
        if values:
            rows.append((number, values))
    return _SheetRows({path: (letter, header) for path, (_, letter, header) in found.items()}, rows)


def _place(sheet: Sheet, rows: _SheetRows, number: int) -> Place:
    return Place(sheet.title, number, tuple((path, letter, header) for path, (letter, header) in rows.letters.items()),
                 sheet.focus)


def _plan_kind(layout: Layout, sheets: dict[str, _SheetRows], root: FsPath, plan: Plan) -> None:
    kind = layout.kind
    folder = f"data/agencies/{plan.agency}/"
    main = sheets[layout.main.title]

    def report(sheet: Sheet, number: int, column: Column, message: str) -> None:
        letter, header = sheets[sheet.title].letters[column.path]
        plan.findings.append(_cell_finding("excel-owner", message, sheet.title, number, letter, header))

    nodes = _tree(layout, {title: read.rows for title, read in sheets.items()}, report)
    records = [(node, _record(node, plan.agency)) for node in nodes]

    def places(file: str, prefix: Path, node: _Node) -> None:
        plan.places[(file, prefix)] = _place(node.sheet, sheets[node.sheet.title], node.number)
        for link, rows in node.children.items():
            for position, row in enumerate(rows):
                places(file, prefix + link.field + (position,), row)

    def add(file: str, node: _Node, record: dict) -> None:
        plan.files[file] = coerce(record, layout.shape)
        plan.shapes[file] = layout.shape
        places(file, (), node)

    if kind.list_key is not None:
        file = folder + (kind.file or "")
        if not records and not (root / file).exists():
            return
        document = {"agency": plan.agency, kind.list_key: [record for _, record in records]}
        plan.files[file] = coerce(document, layout.document)
        plan.shapes[file] = layout.document
        for index, (node, _) in enumerate(records):
            places(file, (kind.list_key, index), node)
        return

    claimed: dict[str, int] = {}  # file → the row that names it
    if not kind.file_column:  # one file per record, named by its key: benchmarks/<id>.yaml
        letter, header = main.letters[layout.main.key or ()]
        for node, record in records:
            file, problem = _keyed_file(node.values.get(layout.main.key or ()), header, folder, kind, claimed)
            if problem:
                plan.findings.append(_cell_finding("excel-file-name", problem, layout.main.title, node.number,
                                                   letter, header))
                file = f"{folder}{kind.folder}/row-{node.number}.yaml"  # validated, never written
            claimed[file] = node.number
            add(file, node, record)
        return

    existing = {p.relative_to(root).as_posix() for p in (root / folder / "decisions").glob("*/*.yaml")}
    pending = []
    letter, header = main.letters[FILE]
    for node, record in records:
        file, problem = _decision_file(node.values, folder)
        if problem:
            plan.findings.append(_cell_finding("excel-file-name", problem, layout.main.title, node.number,
                                               letter, header))
        if file is None:
            pending.append((node, record))
            continue
        if file in claimed:
            plan.findings.append(_cell_finding(
                "excel-file-name", f"文件名与前面的行重复（{file}）。新增的行请清空“文件名”，导入时自动生成。",
                layout.main.title, node.number, letter, header))
            file = f"{folder}decisions/{_year(node.values) or '0000'}/row-{node.number}.yaml"  # never written
        claimed[file] = node.number
        add(file, node, record)
    for node, record in pending:
        file = _new_decision_file(node.values, folder, node.number, existing | set(claimed))
        claimed[file] = node.number
        add(file, node, record)


#: An identifier that can name a file (common.schema.json#/$defs/slug).
_SLUG = re.compile(r"[a-z][a-z0-9-]{1,62}")


def _keyed_file(key: Any, header: str, folder: str, kind: Kind, claimed: dict[str, int]
                ) -> tuple[str, str | None]:
    """The file a record named by its key is written to (benchmarks/<id>.yaml), or why not."""
    if key is None:
        return "", f"「{header}」不能为空：导入时写入 {kind.folder}/<{header}>.yaml。"
    if not isinstance(key, str) or not _SLUG.fullmatch(key):
        return "", (f"「{header}」“{key}”不能用作文件名：只能用小写英文字母、数字和连字符“-”，以字母开头，"
                    f"2–63 个字符（导入时写入 {kind.folder}/<{header}>.yaml）。")
    file = f"{folder}{kind.folder}/{key}.yaml"
    if file in claimed:
        return file, f"「{header}」{key} 与第 {claimed[file]} 行重复：每个文件只写一行。"
    return file, None


_FILE_NAME = re.compile(r"(?:(\d{4})/)?([A-Za-z0-9][A-Za-z0-9._-]*?)(?:\.yaml)?")
_DOC_NO = re.compile(r"〔(\d{4})〕\s*(\d+)\s*号")


def _decision_file(values: dict[Path, Any], folder: str) -> tuple[str | None, str | None]:
    """The file a row names (None: a new decision, name to be made)."""
    given = values.get(FILE)
    if given is None:
        return None, None
    match = _FILE_NAME.fullmatch(str(given).strip())
    if not match:
        return None, (f"文件名“{given}”无效：写成 年份/文件名（如 2024/2024-012），文件名只用英文字母、数字和连字符；"
                      "新增的决定可以不填。")
    year = match.group(1) or _year(values)
    if year is None:
        return None, "文件名没有写年份，也无法从决定日期得出，请写成 年份/文件名（如 2024/2024-012）。"
    return f"{folder}decisions/{year}/{match.group(2)}.yaml", None


def _year(values: dict[Path, Any]) -> str | None:
    decided = values.get(("decided_on",))
    if isinstance(decided, str) and re.match(r"\d{4}-", decided):
        return decided[:4]
    doc = _DOC_NO.search(str(values.get(("doc_no",), "")))
    return doc.group(1) if doc else None


def _new_decision_file(values: dict[Path, Any], folder: str, number: int, taken: set[str]) -> str:
    year = _year(values) or "0000"
    doc = _DOC_NO.search(str(values.get(("doc_no",), "")))
    stem = f"{doc.group(1)}-{int(doc.group(2)):03d}" if doc else f"row-{number}"
    candidate, suffix = stem, 1
    while f"{folder}decisions/{year}/{candidate}.yaml" in taken:
        suffix += 1
        candidate = f"{stem}-{suffix}"
    return f"{folder}decisions/{year}/{candidate}.yaml"


def _required_key(problem: Problem) -> str | None:
    match = re.match(r"缺少必填字段 ([A-Za-z0-9_]+)", problem.message)
    return match.group(1) if problem.code == "schema-required" and match else None


def locate(plan: Plan, problem: Problem) -> Finding:
    """The sheet, row and column a problem in one of the planned files belongs to."""
    path = problem.path
    missing = _required_key(problem)
    if missing is not None:
        path = path + (missing,)
    for cut in range(len(path), -1, -1):
        place = plan.places.get((problem.file, path[:cut]))
        if place is None:
            continue
        rest = path[cut:] or place.focus or ()  # a problem with the whole row: shown at its focus
        for size in range(len(rest), 0, -1):
            for column_path, letter, header in place.letters:
                if column_path == rest[:size]:
                    return Finding(problem, place.sheet, place.row, letter, header)
        return Finding(problem, place.sheet, place.row)
    if problem.file in plan.files:
        titles = {place.sheet for (file, _), place in plan.places.items() if file == problem.file}
        return Finding(problem, sorted(titles)[0] if titles else None)
    return Finding(problem)


@dataclass
class Outcome:
    findings: list[Finding]
    written: list[str]
    unchanged: int
    absent: list[str]  # decision and benchmark files of the body that the workbook does not mention

    @property
    def ok(self) -> bool:
        return not any(f.problem.severity is ERROR for f in self.findings)


def _render_file(plan: Plan, file: str, root: FsPath) -> bytes:
    target = root / file
    comment = ""
    if target.is_file():
        try:
            comment = writer.leading_comment(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            comment = ""
        if comment and not comment.endswith("\n"):
            comment += "\n"
    return writer.dump(plan.files[file], plan.shapes[file], comment=comment).encode("utf-8")


def _changed(plan: Plan, file: str, root: FsPath) -> bool:
    target = root / file
    if not target.is_file():
        return True
    loaded = loader.load_file(target, file)
    if loaded.data is None:
        return True
    return prune(coerce(loaded.data, plan.shapes[file])) != prune(plan.files[file])


def import_workbook(path: FsPath, root: FsPath, schemas: SchemaSet | None = None) -> Outcome:
    """Validate what the workbook says in a copy of the project; write it only if it is clean."""
    from .checker import validate

    schemas = schemas or SchemaSet()
    plan = read_workbook(path, root, schemas)
    changed = {file: _render_file(plan, file, root) for file in plan.files if _changed(plan, file, root)}
    folder = root / "data" / "agencies" / plan.agency
    absent = []
    for name in plan.kinds:
        kind = KINDS[name]
        if kind.folder is not None:  # records kept one per file are never deleted by an import
            pattern = "*/*.yaml" if kind.file_column else "*.yaml"
            absent.extend(sorted(rel for p in (folder / kind.folder).glob(pattern)
                                 if (rel := p.relative_to(root).as_posix()) not in plan.files))

    with tempfile.TemporaryDirectory(prefix="portal-import-") as temporary:
        copy = FsPath(temporary)
        shutil.copytree(root / "data", copy / "data", symlinks=True)
        for file, content in changed.items():
            (copy / file).parent.mkdir(parents=True, exist_ok=True)
            (copy / file).write_bytes(content)
        after = validate(copy, schemas, use_cache=False).problems  # a cache of a temporary copy is never reused
    before = {_identity(p) for p in validate(root, schemas).problems} if after else set()

    flagged = {(f.sheet, f.row, f.column) for f in plan.findings if f.column is not None}
    findings = list(plan.findings)
    for problem in after:
        if problem.file not in changed and _identity(problem) in before:
            continue  # there before the import, in a file it does not touch: not the workbook's doing
        finding = locate(plan, problem)
        if finding.column is not None and (finding.sheet, finding.row, finding.column) in flagged:
            continue  # the cell is already reported in a clerk's words
        findings.append(finding)
    findings = _sorted(findings, plan)
    outcome = Outcome(findings, [], len(plan.files) - len(changed), absent)
    if outcome.ok and changed:
        _write_all(root, changed)
        outcome.written = sorted(changed)
    return outcome


def _identity(problem: Problem) -> tuple:
    return (problem.code, problem.file, problem.path, problem.message, problem.severity)


def _sorted(findings: list[Finding], plan: Plan) -> list[Finding]:
    from openpyxl.utils import column_index_from_string

    order = {title: index for index, title in enumerate(plan.sheet_order)}

    def key(f: Finding) -> tuple:
        if f.sheet is None:
            return (1, 0, 0, 0, f.problem.file, f.problem.line, f.problem.column)
        return (0, order.get(f.sheet, len(order)), f.row or 0,
                column_index_from_string(f.column) if f.column else 0, "", 0, 0)

    return sorted(findings, key=key)


def _write_all(root: FsPath, files: dict[str, bytes]) -> None:
    """Write every file to a temporary file beside it, then rename them all: a failure while
    writing leaves the project as it was."""
    staged: list[tuple[FsPath, FsPath]] = []
    try:
        for file, content in files.items():
            target = root / file
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.portal-import")
            temporary.write_bytes(content)
            staged.append((temporary, target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)


def render(outcome: Outcome) -> str:
    lines = [finding.line().replace("\r", "\\r").replace("\n", "\\n") for finding in outcome.findings]
    errors = sum(f.problem.severity is ERROR for f in outcome.findings)
    warnings = sum(f.problem.severity is WARNING for f in outcome.findings)
    if not outcome.ok:
        lines.append(f"共 {errors} 个错误，{warnings} 个警告：没有写入任何文件。请在工作簿中改正后重新导入。")
    elif outcome.written:
        lines.append(f"已写入 {len(outcome.written)} 个文件（{outcome.unchanged} 个未改变，保持原样）：")
        lines.extend(f"  {file}" for file in outcome.written)
    else:
        lines.append("工作簿与 data/ 中的数据一致，没有需要写入的修改。")
    decisions = [file for file in outcome.absent if "/decisions/" in file]
    benchmarks = [file for file in outcome.absent if "/benchmarks/" in file]
    if decisions:
        lines.append(f"注意：本主体有 {len(decisions)} 个执法决定不在工作簿中，这些文件保持不变"
                     "（撤回决定请把状态改为“已撤回”）。")
    if benchmarks:
        lines.append(f"注意：本主体有 {len(benchmarks)} 个裁量基准文件不在工作簿中，这些文件保持不变"
                     "（废止基准请把状态改为“已废止”；确需删除文件的，请在 YAML 中删除）：")
        lines.extend(f"  {file}" for file in benchmarks)
    return "\n".join(lines) + "\n"
