"""`portal new`: commented YAML skeletons that validate once their blanks are filled.

Which fields a skeleton has is the schema's ``required`` list plus a few optional fields a
clerk usually needs (`TEMPLATES`); every line's comment is the field's title, description
and allowed values from the schema, so the skeletons follow the schemas as they change.

A blank is an empty value (``facts:`` or a bare ``-``). Empty means "no value" to the
loader, so a blank that is left unfilled fails `portal validate` with 「…」不能为空 at its
line instead of publishing a placeholder.

Decisions and benchmark documents are new files, never overwritten. Items and officers
live in one list per body (items.yaml, personnel.yaml): the skeleton is appended to the
end of that list as a separate, commented block, the existing text is left as it was, and
the result is parsed before anything is written, so the file stays one list that validates
once the block's blanks are filled.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from . import loader
from .checker import load_corpus
from .corpus import Corpus
from .identifiers import parse_doc_no
from .schemas import SchemaSet

KINDS = ("decision", "item", "benchmark", "officer")
#: Comments start at this display column (CJK characters count two), when the code is shorter.
COMMENT_COLUMN = 40


class UnknownAgency(Exception):
    """No agency.yaml with this id: a usage error."""


class BadPrefix(Exception):
    """A 机关代字 the body has not registered: a usage error."""


class SkeletonError(Exception):
    """The skeleton cannot be written without overwriting or breaking a file."""


@dataclass(frozen=True)
class Template:
    #: the schema place of one record: a file name, or file#pointer for a list's record
    schema: str
    #: optional fields included besides the required ones, per object path (list indexes left out)
    extras: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    #: prefilled values per field path; a tuple gives one value per list item
    values: dict[tuple[str, ...], Any] = field(default_factory=dict)
    #: how many items a list gets (default: its minItems, at least 1)
    counts: dict[tuple[str, ...], int] = field(default_factory=dict)
    #: optional in the schema but required by a rule: not marked 选填
    needed: tuple[tuple[str, ...], ...] = ()


TEMPLATES = {
    "decision": Template(
        "decision.schema.json",
        extras={(): ("town", "benchmark", "procedure", "major"),
                ("party",): ("credit_code", "legal_rep"),
                ("outcome",): ("kinds", "fine")},
        values={("status",): "有效"},
        counts={("officers",): 2},  # 《行政处罚法》第四十二条: at least two officers
    ),
    "item": Template(
        "items.schema.json#/$defs/item",
        extras={(): ("sector", "duties", "accountability", "history"), ("history",): ("document",)},
        values={("status",): "在用", ("history", "action"): "新增"},
    ),
    "officer": Template(
        "personnel.schema.json#/$defs/officer",
        extras={(): ("region",)},
        values={("status",): "有效"},
    ),
    "benchmark": Template(
        "benchmark.schema.json",
        extras={(): ("agency", "review_by"),
                ("entries",): ("item", "parent", "#/$defs/penalty"),
                ("entries", "statutory"): ("fines",),
                ("entries", "tiers"): ("kinds", "fines")},
        needed=(("agency",), ("entries", "item")),  # rule wrong-folder; rule unknown-item (本县基准必填)
        values={("issuer_level",): "县", ("status",): "现行有效", ("entries", "kind"): "行政处罚",
                ("entries", "statutory", "fines", "unit"): "元", ("entries", "tiers", "fines", "unit"): "元",
                ("entries", "tiers", "tier"): ("从轻处罚", "一般处罚", "从重处罚")},
        counts={("entries", "tiers"): 3},
    ),
}

#: Shared definitions whose description says how to write the value (a field's own description
#: says what it is); other shared descriptions are used only by fields that have none.
_HOW_TO_WRITE = ("common.schema.json#/$defs/date", "common.schema.json#/$defs/money",
                 "common.schema.json#/$defs/credit_code")
#: Says nothing a title does not ("一段不为空的文字").
_QUIET = ("common.schema.json#/$defs/text",)


# --- schema places -----------------------------------------------------------------------

@dataclass
class Place:
    """What the schema says about one field, over its $refs: the outer title wins, and the
    descriptions add up (the field's own first, then its format's)."""

    title: str | None = None
    notes: list[str] = field(default_factory=list)
    enum: list[Any] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    props: dict[str, tuple[dict, str]] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    items: tuple[dict, str] | None = None
    min_items: int = 0
    #: `if {field: const} then … else …` parts: (field, const, then, else)
    conditions: list[tuple[str, Any, dict, dict]] = field(default_factory=list)

    @property
    def is_object(self) -> bool:
        return bool(self.props) or "object" in self.types

    @property
    def is_list(self) -> bool:
        return self.items is not None or "array" in self.types


class _Places:
    def __init__(self, schemas: SchemaSet):
        self.schemas = schemas

    def at(self, ref: str) -> Place:
        schema, base = self.schemas.resolve(ref, ref.partition("#")[0])
        return self.of(schema, base)

    def of(self, schema: dict, base: str, place: Place | None = None) -> Place:
        place = place or Place()
        if not isinstance(schema, dict):
            return place
        place.title = place.title or schema.get("title")
        if isinstance(schema.get("description"), str) and schema["description"] not in place.notes:
            place.notes.append(schema["description"])
        place.enum += [value for value in schema.get("enum", []) if value not in place.enum]
        if isinstance(schema.get("type"), str):
            place.types.add(schema["type"])
        for key, sub in schema.get("properties", {}).items():
            place.props.setdefault(key, (sub, base))
        place.required += [key for key in schema.get("required", []) if key not in place.required]
        if "items" in schema and place.items is None:
            place.items = (schema["items"], base)
        place.min_items = max(place.min_items, schema.get("minItems", 0))
        for part in schema.get("allOf", []):
            tests = part.get("if", {}).get("properties", {}) if isinstance(part, dict) else {}
            for name, test in tests.items():
                if not isinstance(test, dict) or "const" not in test:
                    continue
                condition = (name, test["const"], part.get("then", {}), part.get("else", {}))
                if condition not in place.conditions:
                    place.conditions.append(condition)
        if "$ref" in schema:
            target, document = self.schemas.resolve(schema["$ref"], base)
            where = f"{document}#{schema['$ref'].partition('#')[2]}"
            if where in _QUIET or place.notes and where not in _HOW_TO_WRITE:
                target = {k: v for k, v in target.items() if k != "description"}
            self.of(target, document, place)
        return place

    def conditions(self, owner: Place, key: str) -> list[str]:
        """When the schema requires or forbids `key` depending on another field, in words."""
        said = []
        for name, const, then, otherwise in owner.conditions:
            field_title = self.of(*owner.props[name]).title if name in owner.props else name
            value = "true" if const is True else "false" if const is False else const
            if key in then.get("required", []):
                said.append(f"{field_title}为“{value}”时必填")
            if key in otherwise.get("required", []):
                said.append(f"{field_title}不是“{value}”时必填")
            if then.get("properties", {}).get(key) is False:
                said.append(f"{field_title}为“{value}”时不填")
        return said


# --- lines -------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(code: str, comment: str) -> str:
    if not code.strip():
        return f"{code}# {comment}"
    return f"{code}{' ' * max(2, COMMENT_COLUMN - _width(code))}# {comment}"


def _comment(place: Place, *, optional: bool, block: bool, conditions: Sequence[str] = (), of: str = "") -> str:
    title = f"{of}的一项" if of else place.title or ""
    text = f"{title}：{''.join(place.notes)}" if place.notes else title
    if place.enum:
        text += f" 可选：{'、'.join(str(v) for v in place.enum)}。"
    if optional:
        delete = "不需要时删除这一段" if block else "不需要时删除本行"
        text += f"（{'；'.join(conditions)}；{delete}）" if conditions else f"（选填：{delete}）"
    return text


class _Writer:
    def __init__(self, schemas: SchemaSet, template: Template, values: dict[tuple[str, ...], Any]):
        self.places = _Places(schemas)
        self.template = template
        self.values = {**template.values, **values}
        self.lines: list[str] = []

    def value(self, path: tuple[str, ...], index: int) -> str:
        value = self.values.get(path)
        if isinstance(value, tuple):
            value = value[index] if index < len(value) else None
        return "" if value is None else f" {value}"

    def record(self, place: Place, path: tuple[str, ...], column: int, *, dash: bool, index: int = 0) -> None:
        extras = self.template.extras.get(path, ())
        base = self.template.schema.partition("#")[0]
        for ref in (e for e in extras if e.startswith("#")):  # a conditional part of the schema, e.g. penalty
            self.places.of(*self.places.schemas.resolve(ref, base), place)
        keys = [key for key in place.props if key in place.required or key in extras]
        for number, key in enumerate(keys):
            lead = " " * column + ("- " if number == 0 else "  ") if dash else " " * column
            optional = key not in place.required and path + (key,) not in self.template.needed
            self.field(key, self.places.of(*place.props[key]), path + (key,), lead, column + (2 if dash else 0),
                       optional=optional, index=index, conditions=self.places.conditions(place, key))

    def field(self, key: str, place: Place, path: tuple[str, ...], lead: str, column: int, *,
              optional: bool, index: int, conditions: list[str]) -> None:
        if place.is_list:
            self.lines.append(_line(f"{lead}{key}:", _comment(place, optional=optional, block=True,
                                                              conditions=conditions)))
            item = self.places.of(*place.items) if place.items else Place()
            for number in range(self.template.counts.get(path, max(place.min_items, 1))):
                if item.is_object:
                    self.record(item, path, column + 2, dash=True, index=number)
                else:
                    self.lines.append(_line(f"{' ' * (column + 2)}-{self.value(path, number)}",
                                            _comment(item, optional=False, block=False, of=place.title or key)))
        elif place.is_object:
            self.lines.append(_line(f"{lead}{key}:", _comment(place, optional=optional, block=True,
                                                              conditions=conditions)))
            self.record(place, path, column + 2, dash=False, index=index)
        else:
            self.lines.append(_line(f"{lead}{key}:{self.value(path, index)}",
                                    _comment(place, optional=optional, block=False, conditions=conditions)))


def _render(schemas: SchemaSet, kind: str, values: dict[tuple[str, ...], Any], *, column: int = 0) -> list[str]:
    template = TEMPLATES[kind]
    writer = _Writer(schemas, template, values)
    writer.record(writer.places.at(template.schema), (), column, dash=template.schema.count("#") > 0)
    return writer.lines


# --- the four kinds ----------------------------------------------------------------------

@dataclass
class Written:
    path: str  # relative to the project root
    note: str  # what to do next, in Chinese


_HOW = "请填写每个空白（冒号或“-”后面空着的地方）；标“选填”的不需要时删除；填好后运行 portal validate 检查。"


def next_doc_no(corpus: Corpus, prefix: str, year: int) -> tuple[str, int]:
    """The next free 文书号 of a 机关代字 in `year`, and the highest serial used so far."""
    used = [parsed.seq for doc_no in corpus.decisions
            if (parsed := parse_doc_no(doc_no)) and parsed.prefix == prefix and parsed.year == year]
    highest = max(used, default=0)
    return f"{prefix}〔{year}〕{highest + 1}号", highest


def default_prefix(prefixes: list[str]) -> str:
    """The 机关代字 a new decision gets unless told: the first one for penalties (…罚), which
    are most of what is published, else the first registered."""
    return next((p for p in prefixes if p.endswith("罚")), prefixes[0] if prefixes else "（机关代字）")


def create(root: FsPath, kind: str, agency_id: str, *, year: int | None = None, prefix: str | None = None,
           schemas: SchemaSet | None = None) -> Written:
    schemas = schemas or SchemaSet()
    corpus, _ = load_corpus(root, schemas)
    agency = corpus.agency(agency_id)
    if agency is None:
        known = "、".join(sorted(corpus.agencies)) or "（无）"
        raise UnknownAgency(f"没有标识为 {agency_id} 的执法主体（data/agencies/{agency_id}/agency.yaml）。"
                            f"已有的主体：{known}。")
    year = year or datetime.date.today().year
    folder = root / "data" / "agencies" / agency_id
    if kind == "decision":
        prefixes = [p for p in agency.get("doc_prefixes") or [] if isinstance(p, str)]
        if prefix is not None and prefix not in prefixes:
            raise BadPrefix(f"“{prefix}”不是 {agency_id} 登记的机关代字（{'、'.join(prefixes) or '无'}）。")
        return _decision(schemas, corpus, agency, folder, year, prefix or default_prefix(prefixes), prefixes)
    if prefix is not None:
        raise BadPrefix("--prefix 只用于 decision（执法决定的文书号）。")
    if kind == "benchmark":
        return _benchmark(schemas, corpus, agency_id, folder, year)
    list_key, file_name, title = {"item": ("items", "items.yaml", "执法事项"),
                                  "officer": ("officers", "personnel.yaml", "执法人员")}[kind]
    return _append(schemas, kind, agency_id, folder / file_name, list_key, title)


def _write_new(path: FsPath, root: FsPath, lines: list[str]) -> str:
    rel = path.relative_to(root).as_posix()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(lines) + "\n")
    except FileExistsError:
        raise SkeletonError(f"{rel} 已经存在，不会覆盖。请先填写或改名已有的文件，再重新运行。") from None
    return rel


def _decision(schemas: SchemaSet, corpus: Corpus, agency: dict, folder: FsPath, year: int, prefix: str,
              prefixes: list[str]) -> Written:
    doc_no, highest = next_doc_no(corpus, prefix, year)
    used = f"{year} 年已用到 {highest} 号" if highest else f"{year} 年还没有用过"
    others = [next_doc_no(corpus, other, year)[0] for other in prefixes if other != prefix]
    header = [
        _line("", "执法决定（由 portal new decision 生成）：一个决定一个文件。" + _HOW),
        _line("", f"文书号：机关代字“{prefix}”{used}，建议用 {doc_no}；决定日期须在 {year} 年"
              + (f"；其他代字的下一个号：{'、'.join(others)}" if others else "") + "。"),
    ]
    lines = _render(schemas, "decision", {("doc_no",): doc_no, ("agency",): agency["id"]})
    path = folder / "decisions" / str(year) / f"{year}-{highest + 1:03d}.yaml"
    rel = _write_new(path, corpus.root, header + lines)
    return Written(rel, f"文书号建议为 {doc_no}。{_HOW}")


def _benchmark(schemas: SchemaSet, corpus: Corpus, agency_id: str, folder: FsPath, year: int) -> Written:
    taken = set(corpus.benchmark_documents)
    stem, number = f"{agency_id}-{year}", 1
    while stem in taken or (folder / "benchmarks" / f"{stem}.yaml").exists():
        number += 1
        stem = f"{agency_id}-{year}-{number}"
    header = [_line("", "本县细化的行政裁量权基准（由 portal new benchmark 生成）：标识与文件名相同。" + _HOW),
              _line("", "每个违法行为一个条目；不需要的裁量阶次整段删除，细化上级基准时幅度不得超出上级同一阶次。")]
    lines = _render(schemas, "benchmark", {("id",): stem, ("agency",): agency_id})
    rel = _write_new(folder / "benchmarks" / f"{stem}.yaml", corpus.root, header + lines)
    return Written(rel, _HOW)


_MARKER = "由 portal new {kind} 生成"


def _append(schemas: SchemaSet, kind: str, agency_id: str, path: FsPath, list_key: str, title: str) -> Written:
    root = path.parents[3]
    rel = path.relative_to(root).as_posix()
    note = _line("", f"新增{title}（{_MARKER.format(kind=kind)}）。{_HOW}")
    if not path.exists():
        places = _Places(schemas)
        top = places.at(TEMPLATES[kind].schema.partition("#")[0])
        lines = [_line(f"agency: {agency_id}", _comment(places.of(*top.props["agency"]), optional=False, block=False)),
                 _line(f"{list_key}:", _comment(places.of(*top.props[list_key]), optional=False, block=True)),
                 f"  {note}", *_render(schemas, kind, {}, column=2)]
        return Written(_write_new(path, root, lines), _HOW)

    raw = path.read_bytes()
    before = loader.load_bytes(raw, rel).data
    column = _list_column(raw, rel, before, list_key)
    newline = "\r\n" if b"\r\n" in raw else "\n"
    block = ["", " " * column + note, *_render(schemas, kind, {}, column=column)]
    text = newline.join(block) + newline
    if not raw.endswith(b"\n"):
        text = newline + text
    # The file as it will be: the old records unchanged, and exactly one new one at the end.
    after = loader.load_bytes(raw + text.encode("utf-8"), rel).data
    records = after.get(list_key) if isinstance(after, dict) else None
    if not isinstance(records, list) or {**after, list_key: records[:-1]} != {**before, list_key: before.get(
            list_key) or []}:
        raise SkeletonError(f"无法在 {rel} 末尾安全地追加{title}：追加后文件结构会改变。"
                            f"请确认 {list_key}: 是文件中最后一个字段，再重新运行。")
    with path.open("ab") as fh:
        fh.write(text.encode("utf-8"))
    return Written(rel, f"已在文件末尾追加一段{title}。{_HOW}")


def _list_column(raw: bytes, rel: str, data: Any, list_key: str) -> int:
    """The column of the list's dashes, if the list ends the file and can grow there."""
    if not isinstance(data, dict):
        raise SkeletonError(f"{rel} 现在无法读取（请先运行 portal validate 修正其中的问题），没有追加。")
    tree = loader.compose(raw)
    pairs = getattr(tree, "value", None)
    if not isinstance(pairs, list) or not pairs or pairs[-1][0].value != list_key:
        raise SkeletonError(f"{rel} 中 {list_key}: 不是最后一个字段，无法只在文件末尾追加。"
                            f"请把 {list_key}: 及其列表移到文件最后，再重新运行。")
    value = pairs[-1][1]
    records = data.get(list_key)
    if records is None:
        return 2
    if not isinstance(records, list) or getattr(value, "flow_style", False):
        raise SkeletonError(f"{rel} 中 {list_key} 不是每项以“- ”开头的列表（例如写成了 []），无法追加。"
                            f"请改成“{list_key}:”下每项一行“- ”的写法，再重新运行。")
    return value.start_mark.column if records else 2

