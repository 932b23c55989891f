"""Writing records as YAML that looks hand-written, for files the portal itself writes.

Block style throughout, lists indented under their key, Chinese as it is (never ``\\uXXXX``),
keys in the order given (callers pass records in schema order), long lines never folded,
multi-line text as a literal ``|`` block. Dates in date fields stay plain
(``decided_on: 2024-04-10``) as clerks write them; codes (事项编码, 统一社会信用代码, 执法证号)
are always double-quoted, as docs/contributing.md asks of people; any other text that YAML
could read as something else (``"true"``, ``"010000"``, ``""``) or that plain style
cannot hold (``": "``, a leading ``@``) is double-quoted. Whatever is written
here reads back through loader.py + schemas.coerce as the same values.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

import yaml

from .schemas import Shape

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_STR = "tag:yaml.org,2002:str"
#: Shared definitions (schemas.Shape.defn) whose values are always quoted.
QUOTED_DEFS = frozenset({"item_code", "credit_code", "cert_no"})


class _Date(str):
    """A date in a date field: written plain, like a clerk writes it."""


class _Code(str):
    """A code in a code field: always quoted, like a clerk writes it."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # PyYAML writes "key:\n- a"; people write "key:\n  - a".
        super().increase_indent(flow, False)


def _represent_str(dumper: _Dumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        style: str | None = "|"  # the emitter falls back to double quotes where | cannot hold it
    elif (dumper.resolve(yaml.ScalarNode, data, (True, False)) != _STR
          or not dumper.analyze_scalar(data).allow_block_plain):
        style = '"'
    else:
        style = None
    return dumper.represent_scalar(_STR, data, style=style)


def _represent_date(dumper: _Dumper, data: _Date) -> yaml.ScalarNode:
    # Tagged as what YAML resolves the plain text to, so the emitter leaves it unquoted;
    # loader.py keeps it as text either way.
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", str(data), style=None)


def _represent_code(dumper: _Dumper, data: _Code) -> yaml.ScalarNode:
    return dumper.represent_scalar(_STR, str(data), style='"')


def _represent_float(dumper: _Dumper, data: float) -> yaml.ScalarNode:
    text = repr(data)
    if "e" in text or "E" in text:  # 1e-05: schemas.coerce reads plain decimals only
        text = format(decimal.Decimal(text), "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Date, _represent_date)
_Dumper.add_representer(_Code, _represent_code)
_Dumper.add_representer(float, _represent_float)


def _mark(value: Any, shape: Shape | None) -> Any:
    if shape is None:
        return value
    if isinstance(value, dict):
        return {key: _mark(item, shape.props.get(key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_mark(item, shape.items) for item in value]
    if isinstance(value, str) and shape.format == "date" and _ISO_DATE.fullmatch(value):
        return _Date(value)
    if isinstance(value, str) and shape.defn in QUOTED_DEFS and "\n" not in value:
        return _Code(value)
    return value


def dump(document: Any, shape: Shape | None = None, *, comment: str = "") -> str:
    """`document` as YAML text; `shape` marks the date and code fields; `comment` (whole ``#`` lines,
    e.g. the leading comment of the file being rewritten) goes first."""
    body = yaml.dump(_mark(document, shape), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1 << 30, indent=2)
    return comment + body


def leading_comment(text: str) -> str:
    """The ``#`` lines (and blank lines among them) at the top of a YAML file, kept when the
    portal rewrites the file."""
    kept = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") or (not line.strip() and kept):
            kept.append(line)
        else:
            break
    while kept and not kept[-1].strip():
        kept.pop()
    return "".join(kept)
