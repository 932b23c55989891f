"""帮助 pages generated from the code itself: 数据规范 from the schemas, 校验规则 from the rules."""

from __future__ import annotations

import inspect

import jinja2
from markupsafe import Markup

from ..rules import RULES, SOURCE_RULES
from ..schemas import KIND_SCHEMAS, SchemaSet
from . import Context


def pages(ctx: Context) -> dict[str, str]:
    return {"help/schemas.md": schema_reference(ctx.env, ctx.schemas),
            "help/rules.md": rule_reference(ctx.env)}


def schema_reference(env: jinja2.Environment, schemas: SchemaSet) -> str:
    """The 数据规范 page, generated from the schemas so it cannot drift from them."""
    kinds = []
    for kind, name in KIND_SCHEMAS.items():
        document = schemas.documents[name]
        kinds.append({"kind": kind, "file": name, "title": document.get("title"),
                      "description": document.get("description"),
                      "fields": _fields(schemas, document, name)})
    return env.get_template("schemas.md.j2").render(kinds=kinds)


def _fields(schemas: SchemaSet, schema: dict, base: str, prefix: str = "", depth: int = 0) -> list[dict]:
    rows: list[dict] = []
    schema, base = _deref(schemas, schema, base)
    required = set(schema.get("required", []))
    for key, sub in schema.get("properties", {}).items():
        target, target_base = _deref(schemas, sub, base)
        item, item_base = None, target_base
        if target.get("type") == "array" and isinstance(target.get("items"), dict):
            item, item_base = _deref(schemas, target["items"], target_base)
        rows.append({
            "path": prefix + key, "title": sub.get("title") or target.get("title", ""),
            "description": sub.get("description") or target.get("description", ""),
            "required": key in required, "type": _type_label(target, item),
            "enum": target.get("enum") or (item or {}).get("enum"),
        })
        if depth < 3:
            nested, nested_base = (item, item_base) if item is not None else (target, target_base)
            if nested.get("properties"):
                suffix = "[]." if item is not None else "."
                rows.extend(_fields(schemas, nested, nested_base, prefix + key + suffix, depth + 1))
    return rows


def _deref(schemas: SchemaSet, schema: dict, base: str) -> tuple[dict, str]:
    """Follow $ref (keeping the referring schema's own title/description) to a plain schema."""
    for _ in range(10):
        if not isinstance(schema, dict) or "$ref" not in schema:
            break
        target, base = schemas.resolve(schema["$ref"], base)
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema, base


_TYPE_LABELS = {"string": "文字", "integer": "整数", "number": "数字", "boolean": "true/false",
                "object": "映射", "array": "列表"}


def _type_label(schema: dict, item: dict | None) -> str:
    kind = schema.get("type", "")
    if kind == "array" and item is not None:
        return f"{_TYPE_LABELS['array']}（{_TYPE_LABELS.get(item.get('type', ''), '项')}）"
    label = _TYPE_LABELS.get(kind, "")
    if schema.get("format") == "date":
        label = "日期"
    return label


def rule_reference(env: jinja2.Environment) -> str:
    """The 校验规则 page, generated from the rule modules' docstrings and codes."""
    from .. import loader, schemas

    rules = [{"name": name, "codes": module.CODES, "doc": _docstring_markdown(inspect.getdoc(module) or "")}
             for name, module in [*RULES.items(), *SOURCE_RULES.items()]]
    return env.get_template("rules.md.j2").render(rules=rules, loader_codes=loader.CODES,
                                                   schema_codes=schemas.CODES)


def _docstring_markdown(doc: str) -> Markup:
    """Rule docstrings (platform-owned text) to Markdown: ``::`` blocks become code blocks."""
    out: list[str] = []
    lines = doc.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.rstrip().endswith("::"):
            out.append(line.rstrip()[:-2].rstrip().replace("``", "`") + "：")
            index += 1
            block: list[str] = []
            while index < len(lines) and (not lines[index].strip() or lines[index].startswith("    ")):
                block.append(lines[index][4:])
                index += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            out += ["", "```yaml", *block, "```", ""]
            continue
        out.append(line.replace("``", "`"))
        index += 1
    return Markup("\n".join(out))  # noqa: S704 - rule docstrings are platform-owned, not data
