"""JSON Schemas: loading them offline, typing loaded values, and explaining errors in Chinese.

The loader keeps every scalar as the text that was typed. `Shape` is a compact view of a
schema (which types and properties are allowed where, and each field's Chinese title) that
serves two purposes: converting text to the number or boolean the schema asks for (and only
where it asks), and naming fields in messages by their titles.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path as FsPath
from typing import Any
from collections.abc import Iterator

import jsonschema
import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from .problems import Path, Problem

SCHEMA_DIR = FsPath(__file__).resolve().parent.parent / "schemas"

#: Record kind → schema file. The kinds are the folder layout's (see layout.py).
KIND_SCHEMAS = {
    "site": "site.schema.json",
    "law": "law.schema.json",
    "agency": "agency.schema.json",
    "personnel": "personnel.schema.json",
    "items": "items.schema.json",
    "benchmark": "benchmark.schema.json",
    "decision": "decision.schema.json",
    "calendar": "calendar.schema.json",
    "pii-allowlist": "pii-allowlist.schema.json",
    "releases": "releases.schema.json",
}

#: Shared definitions whose values rules look at across the whole corpus (citations.py,
#: identifiers): the coercion walk collects them so no rule has to know every field.
TRACKED_DEFS = frozenset({"citation", "credit_code", "doc_no"})

_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


# --- formats -----------------------------------------------------------------------------

FORMAT_CHECKER = FormatChecker(formats=())


@FORMAT_CHECKER.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    datetime.date.fromisoformat(value)  # raises on 2024-02-30
    return True


@FORMAT_CHECKER.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value) is not None


@FORMAT_CHECKER.checks("uri")
def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s]+", value) is not None


def _boolean(check: Any) -> Any:
    def run(value: object) -> bool:
        try:
            return bool(check(value))
        except ValueError:
            return False

    return run


FORMAT_NAMES = {"date": "日期（YYYY-MM-DD，且须是真实存在的日期）", "email": "电子邮箱地址", "uri": "网址"}


# --- shapes ------------------------------------------------------------------------------

@dataclass
class Shape:
    """What a schema allows at one place, merged over $ref / allOf / anyOf / if-then-else."""

    types: set[str] = field(default_factory=set)
    props: dict[str, Shape] = field(default_factory=dict)
    items: Shape | None = None
    title: str | None = None
    defn: str | None = None  # name of the common $def this place uses, e.g. "citation"
    description: str | None = None
    format: str | None = None  # e.g. "date"
    enum: list = field(default_factory=list)  # allowed values, in the schema's order
    #: nothing at or below this place is converted or tracked, so `coerce` returns values as
    #: they are (set by `SchemaSet.shape` once the shape is complete; see `_mark_inert`)
    inert: bool = field(default=False, compare=False)


def _absorb(target: Shape, source: Shape) -> None:
    """Merge `source` into `target` without ever changing `source` (shapes are shared)."""
    target.types |= source.types
    for key, shape in source.props.items():
        if key in target.props and target.props[key] is not shape:
            merged = Shape()
            _absorb(merged, target.props[key])
            _absorb(merged, shape)
            target.props[key] = merged
        else:
            target.props[key] = shape
    if source.items is not None:
        if target.items is None:
            target.items = source.items
        elif target.items is not source.items:
            merged = Shape()
            _absorb(merged, target.items)
            _absorb(merged, source.items)
            target.items = merged
    target.title = target.title or source.title
    target.defn = target.defn or source.defn
    target.description = target.description or source.description
    target.format = target.format or source.format
    target.enum += [value for value in source.enum if value not in target.enum]


class SchemaSet:
    """Every schema of the project, its offline registry, validators and shapes."""

    def __init__(self, directory: FsPath = SCHEMA_DIR):
        self.directory = directory
        self.documents: dict[str, dict] = {}
        for path in sorted(directory.glob("*.schema.json")):
            self.documents[path.name] = json.loads(path.read_text(encoding="utf-8"))
        # Resources are registered under their file names, so relative $refs such as
        # "common.schema.json#/$defs/date" resolve the same here as in editors (which
        # resolve them against the schema file's location). Nothing is ever fetched.
        self.registry: Registry = Registry().with_resources(
            (name, Resource.from_contents(doc, default_specification=DRAFT202012))
            for name, doc in self.documents.items()
        )
        self._validators: dict[str, Draft202012Validator] = {}
        self._fast: dict[str, Any] = {}
        self._shapes: dict[str, Shape] = {}

    def validator(self, kind: str) -> Draft202012Validator:
        if kind not in self._validators:
            name = KIND_SCHEMAS[kind]
            schema = dict(self.documents[name])
            schema.setdefault("$id", name)
            self._validators[kind] = Draft202012Validator(
                schema, registry=self.registry, format_checker=FORMAT_CHECKER)
        return self._validators[kind]

    def fast_validator(self, kind: str) -> Any:
        """jsonschema-rs on the same schemas and formats: ~90x faster, used to decide
        validity. Only a record it rejects goes through `validator` for the explanation;
        tests/test_schemas.py checks that the two agree on every fixture and record."""
        if kind not in self._fast:
            name = KIND_SCHEMAS[kind]
            schema = dict(self.documents[name])
            schema.setdefault("$id", name)
            registry = jsonschema_rs.Registry(list(self.documents.items()))
            self._fast[kind] = jsonschema_rs.validator_for(
                schema, registry=registry, validate_formats=True, ignore_unknown_formats=False,
                formats={fmt: _boolean(check) for fmt, (check, _) in FORMAT_CHECKER.checkers.items()})
        return self._fast[kind]

    def shape(self, kind: str) -> Shape:
        if kind not in self._shapes:
            name = KIND_SCHEMAS[kind]
            shape = _ShapeBuilder(self).build(self.documents[name], name)
            _mark_inert(shape)
            self._shapes[kind] = shape
        return self._shapes[kind]

    def resolve(self, ref: str, base: str) -> tuple[dict, str]:
        """The subschema a $ref points at, and the file it lives in."""
        target, _, pointer = ref.partition("#")
        document = target or base
        node: Any = self.documents[document]
        for part in filter(None, pointer.split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, document

    @cached_property
    def formats_used(self) -> set[str]:
        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("format"), str):
                    found.add(node["format"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(self.documents)
        return found


class _ShapeBuilder:
    def __init__(self, schemas: SchemaSet):
        self.schemas = schemas
        self.cache: dict[tuple[str, str], Shape] = {}

    def build(self, schema: Any, base: str) -> Shape:
        shape = Shape()
        self._into(shape, schema, base)
        return shape

    def _ref(self, ref: str, base: str) -> tuple[Shape, str | None]:
        target, document = self.schemas.resolve(ref, base)
        key = (document, ref.partition("#")[2])
        if key not in self.cache:
            shape = Shape()
            self.cache[key] = shape  # registered first: recursive schemas terminate
            self._into(shape, target, document)
        defn = None
        if document == "common.schema.json" and ref.partition("#")[2].startswith("/$defs/"):
            defn = ref.rsplit("/", 1)[1]
        return self.cache[key], defn

    def _into(self, shape: Shape, schema: Any, base: str) -> None:
        """Add what `schema` allows to `shape`, which this builder created and may change."""
        if not isinstance(schema, dict):
            return
        if "title" in schema and shape.title is None:
            shape.title = schema["title"]
        if "description" in schema and shape.description is None:
            shape.description = schema["description"]
        if isinstance(schema.get("format"), str) and shape.format is None:
            shape.format = schema["format"]
        shape.enum += [value for value in schema.get("enum", []) if value not in shape.enum]
        if "$ref" in schema:
            target, defn = self._ref(schema["$ref"], base)
            _absorb(shape, target)
            shape.defn = shape.defn or defn
        kind = schema.get("type")
        if isinstance(kind, str):
            shape.types.add(kind)
        elif isinstance(kind, list):
            shape.types.update(kind)
        if "const" in schema or "enum" in schema:
            for value in schema.get("enum", [schema.get("const")]):
                shape.types.add(_json_type(value))
        for key, sub in schema.get("properties", {}).items():
            shape.props[key] = self._fresh(shape.props.get(key), sub, base)
        if "items" in schema:
            shape.items = self._fresh(shape.items, schema["items"], base)
        for keyword in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(keyword, []):
                self._into(shape, sub, base)
        for keyword in ("then", "else"):
            if keyword in schema:
                self._into(shape, schema[keyword], base)

    def _fresh(self, existing: Shape | None, schema: Any, base: str) -> Shape:
        shape = Shape()
        self._into(shape, schema, base)
        if existing is not None:
            _absorb(shape, existing)
        return shape


_CONVERTED = frozenset({"integer", "number", "boolean"})


def _mark_inert(root: Shape) -> None:
    """Set `Shape.inert` on every place reachable from `root`: a place is inert when `coerce`
    leaves its text alone (text allowed, or no number or boolean allowed), it is not a tracked
    definition, and every place below it is inert. Schemas are recursive, so this starts from
    "all inert" and withdraws it until nothing changes."""
    shapes: dict[int, Shape] = {}
    stack = [root]
    while stack:
        shape = stack.pop()
        if id(shape) not in shapes:
            shapes[id(shape)] = shape
            stack.extend(shape.props.values())
            if shape.items is not None:
                stack.append(shape.items)
    for shape in shapes.values():
        shape.inert = shape.defn not in TRACKED_DEFS and ("string" in shape.types or not shape.types & _CONVERTED)
    changed = True
    while changed:
        changed = False
        for shape in shapes.values():
            if shape.inert and (any(not child.inert for child in shape.props.values())
                                or (shape.items is not None and not shape.items.inert)):
                shape.inert = False
                changed = True


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return "string"


# --- coercion ----------------------------------------------------------------------------

def coerce(value: Any, shape: Shape, path: Path = (), found: list | None = None) -> Any:
    """Turn loaded text into the types the schema asks for, and only where it asks.

    A number is read only from plain decimal text (so ``010000`` or ``1e3`` stay text and
    fail the schema with a message); ``true``/``false`` only where a boolean is allowed.
    Values of `TRACKED_DEFS` are appended to `found` as ``(defn, path, value)``. Where
    nothing can change (`Shape.inert`), the value itself is returned, not a copy.
    """
    if shape.inert:
        return value
    if isinstance(value, dict):
        props = shape.props
        coerced = {}
        for key, item in value.items():
            # the inert test here, not in the call: most fields are inert, and their path need not be made
            child = props.get(key)
            coerced[key] = item if child is None or child.inert else coerce(item, child, path + (key,), found)
        return coerced
    if isinstance(value, list):
        items = shape.items
        if items is None or items.inert:
            return value
        return [coerce(item, items, path + (index,), found) for index, item in enumerate(value)]
    if isinstance(value, str):
        types = shape.types
        if found is not None and shape.defn in TRACKED_DEFS:
            found.append((shape.defn, path, value))
        if "string" in types:
            return value
        if "integer" in types and _INTEGER.fullmatch(value):
            return int(value)
        if "number" in types and _DECIMAL.fullmatch(value):
            number = float(value)
            return int(number) if number.is_integer() and "." not in value else number
        if "boolean" in types and value in ("true", "false"):
            return value == "true"
    return value


#: Problem codes of schema checks: ``schema-`` + the JSON Schema keyword that failed.
CODES = {
    "schema-required": "缺少必填字段",
    "schema-unknown-field": "不允许的字段（常见于字段名拼错）",
    "schema-not-allowed": "按其他字段的取值，此处不应填写该字段",
    "schema-type": "值的类型不对（例如数字写成了文字，或必填值为空）",
    "schema-enum": "值不在允许的选项中",
    "schema-const": "值与规定的取值不同",
    "schema-pattern": "值的格式不对",
    "schema-format": "日期、网址、邮箱等格式不对",
    "schema-minLength": "文字过短或为空",
    "schema-maxLength": "文字过长",
    "schema-minItems": "列表项数过少",
    "schema-maxItems": "列表项数过多",
    "schema-uniqueItems": "列表中有重复项",
    "schema-minimum": "数值小于下限",
    "schema-exclusiveMinimum": "数值不大于下限",
    "schema-maximum": "数值大于上限",
    "schema-exclusiveMaximum": "数值不小于上限",
    "schema-multipleOf": "金额超过两位小数",
    "schema-minProperties": "映射为空",
    "schema-anyOf": "不符合任何一种允许的写法",
    "schema-oneOf": "不符合任何一种允许的写法，或同时符合多种",
}


# --- errors → problems -------------------------------------------------------------------

TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "object": "“字段: 值”形式的映射",
    "array": "列表（每项一行，以“- ”开头）",
    "null": "空值",
}


def describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    text = str(value)
    return f"“{text if len(text) <= 40 else text[:40] + '…'}”"


class Explainer:
    """Turns jsonschema errors into problems that name the field in Chinese."""

    def __init__(self, schemas: SchemaSet, kind: str):
        self.schemas = schemas
        self.name = KIND_SCHEMAS[kind]
        self.shape = schemas.shape(kind)

    def shape_at(self, path: Path) -> Shape | None:
        shape: Shape | None = self.shape
        for part in path:
            if shape is None:
                return None
            shape = shape.items if isinstance(part, int) else shape.props.get(part)
        return shape

    def title(self, path: Path) -> str:
        for cut in range(len(path), -1, -1):
            shape = self.shape_at(path[:cut])
            if shape is not None and shape.title:
                name = shape.title
                if cut < len(path) and isinstance(path[cut], int):
                    name += f"第 {path[cut] + 1} 项"
                return f"「{name}」"
        return "「记录」"

    def problems(self, error: ValidationError, file: str, root: Any) -> Iterator[Problem]:
        if error.validator in ("anyOf", "oneOf") and error.context:
            best = jsonschema.exceptions.best_match(error.context)
            if best is not None and best.validator not in ("required",):
                yield from self.problems(best, file, root)
                return
        path: Path = tuple(error.absolute_path)
        validator = error.validator
        code = f"schema-{validator}" if isinstance(validator, str) else "schema-not-allowed"
        message = self._message(error, path)
        if validator in ("additionalProperties", "unevaluatedProperties"):
            branches = self._branch_fields(error) if validator == "unevaluatedProperties" else {}
            unexpected = _unexpected(error)
            if not unexpected:
                yield Problem("schema-unknown-field", f"{self.title(path)}中有不允许的字段（{error.message}）。",
                              file, path=path)
            for key in unexpected:
                conditions = branches.get(key)
                if conditions is True:
                    continue  # its if/then branch applies but failed: that branch's own errors say why
                message = self._misplaced(key, path, conditions) if conditions else self._unknown(key, path)
                yield Problem("schema-unknown-field", message, file, path=path + (key,), at_key=True)
            return
        because = self._condition(error)
        if validator is None:  # a `false` subschema: the field must not be there at all
            path = _false_schema_path(error, path, root)
            reason = f"{because}，" if because else "此处"
            yield Problem("schema-not-allowed", f"{self.title(path)}：{reason}不应填写该字段，请删除。", file,
                          path=path, at_key=True)
            return
        if validator == "required":
            missing = _quoted(error.message)
            if missing is not None:
                child = path + (missing,)
                shape = self.shape_at(child)
                name = f"「{shape.title}」" if shape and shape.title else ""
                reason = f"（{because}，必须填写）" if because else ""
                yield Problem("schema-required", f"缺少必填字段 {missing}{name}{reason}。", file, path=path)
                return
        yield Problem(code, message, file, path=path)

    def _condition(self, error: ValidationError) -> str | None:
        """For an error inside if/then/else, the condition in words: “当事人类别为自然人时”."""
        keys = list(error.schema_path)
        branch = next((i for i in range(len(keys) - 1, -1, -1) if keys[i] in ("then", "else")), None)
        if branch is None:
            return None
        node: Any = self.schemas.documents[self.name]
        base = self.name
        for key in keys[:branch]:
            # jsonschema sometimes names a $ref in the path and sometimes steps through it
            while key == "$ref" or (isinstance(node, dict) and key not in node and "$ref" in node):
                node, base = self.schemas.resolve(node["$ref"], base)
                if key == "$ref":
                    break
            if key == "$ref":
                continue
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return None
        condition = node.get("if", {}) if isinstance(node, dict) else {}
        parts = []
        for field_name, rule in condition.get("properties", {}).items():
            if isinstance(rule, dict) and "const" in rule:
                title = node.get("properties", {}).get(field_name, {}).get("title") or self._field_title(
                    error, field_name)
                value = rule["const"]
                value = "true" if value is True else "false" if value is False else value
                parts.append(f"{title}为{value}")
        if not parts:
            return None
        joined = "、".join(parts)
        return f"{joined}时" if keys[branch] == "then" else f"{joined}以外时"

    def _field_title(self, error: ValidationError, field_name: str) -> str:
        shape = self.shape_at(tuple(error.absolute_path) + (field_name,))
        if shape is None:
            shape = self.shape_at(tuple(error.absolute_path)[:-1] + (field_name,))
        return f"「{shape.title}」" if shape and shape.title else field_name

    def _branch_fields(self, error: ValidationError) -> dict[str, bool | list[tuple[str, Any, bool]]]:
        """For unevaluatedProperties: the fields that an if/then/else branch of the object declares.
        True when the branch applies to the value (the field is allowed, and named only because
        something else in that branch failed), else the conditions under which it is allowed:
        (title of the tested field, value, whether the test is negated)."""
        schema, instance = error.schema, error.instance
        found: dict[str, bool | list[tuple[str, Any, bool]]] = {}
        if not isinstance(schema, dict) or not isinstance(instance, dict):
            return found
        for part in schema.get("allOf") or ():
            condition = part.get("if") if isinstance(part, dict) else None
            if not isinstance(condition, dict):
                continue
            try:
                holds = Draft202012Validator(condition, format_checker=FORMAT_CHECKER).is_valid(instance)
            except (jsonschema.exceptions.SchemaError, Unresolvable):  # pragma: no cover - only const tests
                continue
            for branch, applies in (("then", holds), ("else", not holds)):
                node = part.get(branch)
                if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                    try:
                        node, _ = self.schemas.resolve(node["$ref"], self.name)
                    except (KeyError, IndexError, TypeError):  # pragma: no cover - the schemas are checked
                        continue
                properties = node.get("properties") if isinstance(node, dict) else None
                for key, rule in (properties or {}).items():
                    if rule is False or found.get(key) is True:
                        continue
                    if applies:
                        found[key] = True
                        continue
                    kept = found.setdefault(key, [])
                    for name, test in (condition.get("properties") or {}).items():
                        if isinstance(test, dict) and "const" in test and isinstance(kept, list):
                            title = (schema.get("properties", {}).get(name) or {}).get("title") or name
                            kept.append((title, test["const"], branch == "else"))
        return found

    def _misplaced(self, key: str, path: Path, conditions: list[tuple[str, Any, bool]]) -> str:
        """A field of another variant, e.g. 检查范围 in a 行政处罚 entry."""
        shape = self.shape_at(path + (key,))
        name = f"「{shape.title}」（{key}）" if shape is not None and shape.title else key
        values: dict[tuple[str, bool], list[str]] = {}
        for title, value, negated in conditions:
            values.setdefault((title, negated), []).append(str(value))
        when = "或".join(f"「{title}」{'不为' if negated else '为'}{'、'.join(listed)}"
                        for (title, negated), listed in values.items())
        fields = "、".join(dict.fromkeys(f"「{title}」" for title, _, _ in conditions))
        return f"{name}只在{when}时填写，{self.title(path)}中不允许该字段：请删除，或改正{fields}。"

    def _unknown(self, key: str, path: Path) -> str:
        shape = self.shape_at(path)
        known = sorted(shape.props) if shape else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = ""
        if close:
            title = shape.props[close[0]].title if shape else None
            hint = f"是否应为 {close[0]}" + (f"（{title}）" if title else "") + "？"
        elif known:
            hint = "可用字段：" + "、".join(known) + "。"
        return f"未知字段 {key}：{self.title(path)}中不允许该字段。{hint}"

    def _message(self, error: ValidationError, path: Path) -> str:
        name = self.title(path)
        value = error.instance
        validator = error.validator
        expected = error.validator_value
        if validator == "type":
            if value is None:
                return f"{name}不能为空。"
            wanted = expected if isinstance(expected, list) else [expected]
            words = "或".join(TYPE_NAMES.get(t, t) for t in wanted)
            hint = ""
            if isinstance(value, str) and {"number", "integer"} & set(wanted):
                hint = "（只写阿拉伯数字，不要加单位、逗号或引号）"
            if isinstance(value, str) and "boolean" in wanted:
                hint = "（只能写 true 或 false）"
            return f"{name}应为{' ' if words[0].isascii() else ''}{words}，实际是{describe(value)}{hint}。"
        if validator in ("enum", "const"):
            options = expected if validator == "enum" else [expected]
            return f"{name}的值{describe(value)}不在允许范围内，应为：{'、'.join(map(str, options))}。"
        if validator == "pattern":
            reason = (error.schema.get("x-error") or error.schema.get("description") or "格式不正确").rstrip("。")
            if isinstance(value, str) and not value.strip():
                return f"{name}不能为空。"
            return f"{name}的值{describe(value)}格式不正确：{reason}。"
        if validator == "format":
            return f"{name}的值{describe(value)}不是有效的{FORMAT_NAMES.get(expected, expected)}。"
        if validator == "minLength" and value == "":
            return f"{name}不能为空。"
        if validator in _BOUNDS:
            return f"{name}{_BOUNDS[validator]} {expected}，实际是 {value}。"
        if validator in _TEMPLATES:
            return _TEMPLATES[validator].format(name=name, expected=expected, value=value)
        if validator in ("anyOf", "oneOf"):
            return f"{name}不符合任何一种允许的写法，请对照字段说明填写。"
        return f"{name}不符合数据规范（{error.message}）。"


_BOUNDS = {"minimum": "不能小于", "exclusiveMinimum": "必须大于",
           "maximum": "不能大于", "exclusiveMaximum": "必须小于"}
_TEMPLATES = {
    "minLength": "{name}至少需要 {expected} 个字符。",
    "maxLength": "{name}最多 {expected} 个字符。",
    "minItems": "{name}至少需要 {expected} 项。",
    "maxItems": "{name}最多 {expected} 项。",
    "uniqueItems": "{name}中有重复的项，请删除重复项。",
    "multipleOf": "{name}最多保留两位小数（精确到分），实际是 {value}。",
    "minProperties": "{name}不能为空，至少填写一项。",
}


def _false_schema_path(error: ValidationError, path: Path, root: Any) -> Path:
    # jsonschema reports a `false` property schema at the parent object, without the key
    # (seen with 4.26 inside if/then); recover the key from the offending value.
    parent = error.instance
    node: Any = root
    for part in path:
        node = node[part]
    if isinstance(node, dict) and parent is not node:
        for key, value in node.items():
            if value is parent:
                return path + (key,)
    return path


def _quoted(message: str) -> str | None:
    match = re.match(r"^'(.+)' is a required property$", message)
    return match.group(1) if match else None


def _unexpected(error: ValidationError) -> list[str]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        return [key for key in instance
                if key not in allowed and not any(re.search(p, key) for p in patterns)]
    # unevaluatedProperties: jsonschema names them only in its message. If that wording ever
    # changes, nothing is guessed: the caller reports the object as a whole.
    names = re.findall(r"'((?:[^'\\]|\\.)*)'", error.message.split("(")[-1] if "(" in error.message else "")
    return [name for name in names if name in instance]


def iter_schema_problems(schemas: SchemaSet, kind: str, data: Any, file: str) -> Iterator[Problem]:
    if schemas.fast_validator(kind).is_valid(data):
        return
    # The loader shares equal short strings; `_false_schema_path` finds a key by its value's
    # identity, so the explanation works on a copy where every value is its own object.
    data = _unshared(data)
    explainer = Explainer(schemas, kind)
    said: set[tuple] = set()
    for error in schemas.validator(kind).iter_errors(data):
        for problem in explainer.problems(error, file, data):
            # one empty text breaks minLength and pattern alike: say it once
            if (problem.path, problem.message) not in said:
                said.add((problem.path, problem.message))
                yield problem


def _unshared(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _unshared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unshared(item) for item in value]
    if isinstance(value, str) and len(value) > 1:  # one character: Python shares those anyway
        return value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
    return value
