"""Render the corpus into Markdown pages for mkdocs-material.

The pages are plain Markdown plus a little HTML, so the generator does not depend on the
theme's internals (material 9.x reaches end of life in 2027; Zensical reads the same
mkdocs.yml). Every value from the data is escaped for both HTML and Markdown: department
fields are text, never markup (a ``[点我](javascript:…)`` in a field stays literal text).
"""

from __future__ import annotations

import datetime
import inspect
from pathlib import Path as FsPath
from typing import Any

import jinja2
from markupsafe import Markup

from .corpus import Corpus
from .display import display_until
from .flowchart import flowchart_svg
from .rules import RULES, SOURCE_RULES
from .schemas import KIND_SCHEMAS, SchemaSet
from .workdays import parse_date

TEMPLATES = FsPath(__file__).resolve().parent / "templates"

# Characters that HTML or Markdown would interpret; written as numeric entities they show
# as themselves and start no markup.
_SPECIAL = {char: f"&#{ord(char)};" for char in "&<>\"'`*_[]()#|\\!{}~"}
_TABLE = str.maketrans({**_SPECIAL, "\n": " ", "\r": " "})


def escape(value: Any) -> Markup:
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    return Markup(str(value).translate(_TABLE))  # noqa: S704 - this is the escaping itself


def environment() -> jinja2.Environment:
    # No autoreload: editing a template in the middle of a build is not useful.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - `finalize` escapes every value for HTML *and* Markdown
        finalize=escape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["money"] = lambda v: f"{v:,.2f}" if isinstance(v, (int, float)) else v
    env.globals["flowchart"] = flowchart_svg
    return env


def visible(decision: dict, today: datetime.date, site: Any = None) -> bool:
    """Whether a decision is on display on `today` (withdrawn ones show only a notice).

    From its publication to the end of its legal display period (display.py), whatever
    ``display_until`` says: the display-periods rule makes sure the two agree.
    """
    if isinstance(decision.get("party"), dict) and decision["party"].get("minor") is True:
        return False
    published, until = parse_date(decision.get("published_on")), display_until(decision, site)
    return published is not None and until is not None and published <= today <= until


def pages(corpus: Corpus, today: datetime.date, schemas: SchemaSet | None = None) -> dict[str, str]:
    """src URI → Markdown for every generated page."""
    env = environment()
    site = corpus.site.data if corpus.site else {}
    agencies = sorted((refs[0].value for refs in corpus.agencies.values()),
                      key=lambda a: (a.get("level") != "县级", a.get("id")))
    decisions = [ref.value for refs in corpus.decisions.values() for ref in refs[:1]]
    shown = sorted((d for d in decisions if visible(d, today, site)),
                   key=lambda d: (d.get("decided_on"), d.get("doc_no")), reverse=True)
    items_by_agency: dict[str, list] = {}
    for refs in corpus.items.values():
        ref = refs[0]
        items_by_agency.setdefault(ref.document.placement.agency, []).append(ref.value)
    officers_by_agency: dict[str, list] = {}
    for refs in corpus.officers.values():
        ref = refs[0]
        officers_by_agency.setdefault(ref.document.placement.agency, []).append(ref.value)
    base = {"site": site, "today": today.isoformat()}

    out: dict[str, str] = {}
    out["index.md"] = env.get_template("index.md.j2").render(
        **base, agencies=agencies, latest=shown[:10], names={a["id"]: a["short_name"] for a in agencies},
        counts={"agencies": len(agencies), "officers": len(corpus.officers), "items": len(corpus.items),
                "entries": len(corpus.entries), "decisions": len(shown)})
    out["agencies/index.md"] = env.get_template("agencies.md.j2").render(**base, agencies=agencies)
    for agency in agencies:
        out[f"agencies/{agency['id']}.md"] = env.get_template("agency.md.j2").render(
            **base, agency=agency,
            items=sorted(items_by_agency.get(agency["id"], []), key=lambda i: i.get("code")),
            officers=sorted(officers_by_agency.get(agency["id"], []), key=lambda o: o.get("cert_no")),
            decisions=[d for d in shown if d.get("agency") == agency["id"]])
    out["decisions/index.md"] = env.get_template("decisions.md.j2").render(**base, decisions=shown)
    out["help/schemas.md"] = schema_reference(env, schemas or SchemaSet())
    out["help/rules.md"] = rule_reference(env)
    return out


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
    from . import loader, schemas

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
