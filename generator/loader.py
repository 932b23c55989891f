"""Strict YAML loading on libyaml's C parser.

Departments write these files by hand, often in Windows editors, so the loader refuses
whatever YAML would otherwise accept silently and turn into wrong published data:

* every scalar stays the text that was typed (``NO``, ``010000``, an 18-digit ID, a phone
  number, a date): types come later from the schema (schemas.py), never from YAML 1.1's
  implicit resolvers. Only an empty value, ``~`` or ``null`` (unquoted) means "no value";
* duplicate keys, anchors, aliases and explicit tags are errors (an alias bomb is refused
  at its first alias, before anything is expanded);
* a BOM, bytes that are not UTF-8, tab characters, control and bidirectional-override
  characters, several documents in one file, and files over ``MAX_BYTES`` are errors.

We build values from the parser's event stream rather than composing nodes: it is the only
place that sees anchors, and it is ~20k small records/s per core (libyaml composition +
a Python constructor is slower and drops anchors). Positions are not stored per value,
which would cost gigabytes at a county's ~100k records; `locate` recovers the line and
column of any field path from the file when a problem needs one.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Path, Problem

try:  # The C parser is a hard requirement: pure-Python YAML is ~7x slower.
    from yaml import CBaseLoader as _Loader
except ImportError as exc:  # pragma: no cover - depends on the wheel
    raise ImportError("PyYAML 未带 libyaml（C 解析器），请按 README 重新安装依赖") from exc

#: A market-regulation bureau's 权责清单 has ~1,500 items (~1.5 MB of YAML); 4 MiB leaves
#: room while refusing dumps and accidents long before they cost time or memory.
MAX_BYTES = 4 * 1024 * 1024
#: Records nest a few levels deep (benchmark → entries → tiers → fines); anything deeper is
#: an attack or an accident, and would exhaust Python's recursion in later stages.
MAX_DEPTH = 32
MAX_LISTED = 5  # at most this many tab / control-character problems per file

#: Every problem code the loader reports, with its summary (for the 校验规则 page and tests).
CODES = {
    "file-unreadable": "文件无法读取",
    "file-symlink": "数据文件是符号链接",
    "yaml-too-large": "文件超过大小上限",
    "yaml-bom": "文件开头有字节顺序标记（BOM）或是 UTF-16 编码",
    "yaml-encoding": "文件不是 UTF-8 编码（例如 GBK）",
    "yaml-tab": "含有 Tab 制表符",
    "yaml-control-char": "含有不可见的控制字符或双向覆盖字符",
    "yaml-syntax": "YAML 语法错误",
    "yaml-duplicate-key": "同一映射中字段重复",
    "yaml-anchor": "使用了锚点（&）",
    "yaml-alias": "使用了别名（*）",
    "yaml-tag": "使用了 YAML 标签（!! 或 !）",
    "yaml-key-type": "字段名不是普通文字",
    "yaml-multiple-documents": "一个文件中有多个 YAML 文档",
    "yaml-empty": "文件没有内容",
    "yaml-too-deep": "嵌套层数过多",
}

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
#: Field names and short values (kinds, dates, codes, ids) are shared strings: a county's
#: 50,000 records repeat a few thousand of them millions of times (~190 MB of copies).
SHARED_LENGTH = 24
_intern = sys.intern

_BOMS = {
    b"\xef\xbb\xbf": "UTF-8 BOM",
    b"\xff\xfe": "UTF-16 BOM",
    b"\xfe\xff": "UTF-16 BOM",
}
# C0 controls other than tab/newline/CR, DEL, C1 controls, and the bidi overrides used in
# "Trojan Source" style attacks, which reorder how published text displays.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


class _Refused(Exception):
    """Raised inside the event loop to stop at a problem that makes the file unusable."""

    def __init__(self, problem: Problem):
        self.problem = problem


@dataclass
class Loaded:
    """A file's parsed value, or None with the problems that prevented it."""

    data: Any
    problems: list[Problem]
    #: the file's text, when its bytes are UTF-8 (the checks on the source text read it too: decoded once)
    text: str | None = None


def load_file(path: FsPath, display: str, *, max_bytes: int = MAX_BYTES) -> Loaded:
    """Load one YAML file strictly. `display` is the path used in problems."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return Loaded(None, [Problem("file-unreadable", f"无法读取文件：{exc.strerror}", display)])
    if size > max_bytes:
        return Loaded(None, [Problem(
            "yaml-too-large",
            f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）。"
            "请把记录拆分成多个文件（例如每个执法决定一个文件）。",
            display, 1, 1)])
    with path.open("rb") as fh:
        raw = fh.read(max_bytes + 1)
    return load_bytes(raw, display, max_bytes=max_bytes)


def load_bytes(raw: bytes, display: str, *, max_bytes: int = MAX_BYTES) -> Loaded:
    if len(raw) > max_bytes:
        return Loaded(None, [Problem(
            "yaml-too-large", f"文件过大（上限 {max_bytes / 1048576:.0f} MB），请拆分成多个文件。",
            display, 1, 1)])
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            return Loaded(None, [Problem(
                "yaml-bom",
                f"文件开头有 {name}（字节顺序标记）。请用“UTF-8（无 BOM）”编码重新保存。",
                display, 1, 1)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _offset_position(raw, exc.start)
        hint = ""
        try:
            raw.decode("gb18030")
            hint = "文件看起来是 GBK/GB18030 编码，"
        except UnicodeDecodeError:
            pass
        return Loaded(None, [Problem(
            "yaml-encoding",
            f"{hint}不是有效的 UTF-8 文本（第 {exc.start + 1} 字节）。请在编辑器中选择“UTF-8”编码另存。",
            display, line, col)])

    problems = _character_problems(text, display)
    if problems:
        return Loaded(None, problems, text)
    loaded = _parse(raw, display)
    loaded.text = text
    return loaded


def _offset_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    last = before.rfind(b"\n")
    column = len(before[last + 1:].decode("utf-8", errors="replace")) + 1
    return line, column


def _character_problems(text: str, display: str) -> list[Problem]:
    problems: list[Problem] = []
    if "\t" in text or _CONTROL.search(text):
        for number, line in enumerate(text.split("\n"), start=1):
            tab = line.find("\t")
            if tab >= 0:
                problems.append(Problem(
                    "yaml-tab", "含有 Tab 制表符。YAML 只能用空格缩进，请把 Tab 替换为空格。",
                    display, number, tab + 1))
            bad = _CONTROL.search(line)
            if bad:
                problems.append(Problem(
                    "yaml-control-char",
                    f"含有不可见的控制字符 U+{ord(bad.group()):04X}（可能来自复制粘贴），请删除。",
                    display, number, bad.start() + 1))
            if len(problems) >= MAX_LISTED:
                break
    return problems


def _problem_at(code: str, message: str, display: str, mark: Any) -> Problem:
    return Problem(code, message, display, mark.line + 1, mark.column + 1)


def _parse(raw: bytes, display: str) -> Loaded:
    problems: list[Problem] = []
    # The innermost open mapping or list is held in locals (`container`, `is_map`, `key`: the key
    # waiting for its value, `marks`: where each key of the mapping is), the outer ones on `stack`:
    # a county has ~7 million events, and indexing a frame for each was a third of this loop.
    stack: list[tuple] = []
    container: Any = None
    is_map = False
    key: Any = _NO_KEY
    marks: dict[str, Any] = {}
    root: Any = None
    documents = 0
    parser = _Loader(raw)
    next_event = parser.get_event  # what yaml.parse wraps, minus a generator and check_event per event
    try:
        while (event := next_event()) is not None:
            cls = event.__class__
            if cls is ScalarEvent:
                value: Any = event.value
                if value in NULLS and event.implicit[0] and event.style in ("", None):
                    value = None
                elif len(value) <= SHARED_LENGTH:
                    value = _intern(value)
                if event.anchor is not None or event.tag is not None:
                    _marked(event, display, problems)
                if is_map:
                    if key is _NO_KEY:
                        if value is None:
                            raise _not_a_key(event, display)
                        if value in container:
                            problems.append(_duplicate(value, marks, event, display))
                        key = value
                        marks[value] = event.start_mark
                    else:
                        if key not in container:
                            container[key] = value
                        key = _NO_KEY
                elif container is not None:
                    container.append(value)
                else:
                    root = value
                continue
            if cls is MappingStartEvent or cls is SequenceStartEvent:
                value = {} if cls is MappingStartEvent else []
                if event.anchor is not None or event.tag is not None:
                    _marked(event, display, problems)
                if is_map:
                    if key is _NO_KEY:
                        raise _not_a_key(event, display)
                    if key not in container:
                        container[key] = value
                elif container is not None:
                    container.append(value)
                else:
                    root = value
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(_problem_at(
                        "yaml-too-deep", f"嵌套超过 {MAX_DEPTH} 层，数据文件不需要这么深的结构，请检查缩进或括号。",
                        display, event.start_mark))
                stack.append((container, is_map, key, marks))
                container, is_map, key, marks = value, cls is MappingStartEvent, _NO_KEY, {}
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                if key is not _NO_KEY:  # pragma: no cover - libyaml guarantees pairs
                    raise _Refused(_problem_at("yaml-syntax", "映射缺少值", display, event.start_mark))
                container, is_map, key, marks = stack.pop()
                if is_map:
                    key = _NO_KEY  # the value of the key this mapping or list was
            elif cls is AliasEvent:
                raise _Refused(_problem_at(
                    "yaml-alias",
                    f"不允许使用别名（*{event.anchor}）。请把内容完整写出：别名会让审核者看不到真正发布的内容。",
                    display, event.start_mark))
            elif cls is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(_problem_at(
                        "yaml-multiple-documents",
                        "一个文件只能有一个 YAML 文档（发现了第二个“---”）。请拆分成多个文件。",
                        display, event.start_mark))
    except _Refused as refused:
        return Loaded(None, problems + [refused.problem])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return Loaded(None, problems + [Problem(
            "yaml-syntax", _syntax_message(exc), display,
            mark.line + 1 if mark else 1, mark.column + 1 if mark else 1)])
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reader errors carry no mark
        return Loaded(None, problems + [Problem("yaml-syntax", f"YAML 语法错误：{exc}", display, 1, 1)])
    finally:
        parser.dispose()

    if documents == 0 or root is None:
        problems.append(Problem("yaml-empty", "文件是空的：没有任何内容。", display, 1, 1))
        return Loaded(None, problems)
    return Loaded(None if problems else root, problems)


def _marked(event: Any, display: str, problems: list[Problem]) -> None:
    """The problems of a node that has an anchor or a tag."""
    if event.anchor is not None:
        problems.append(_problem_at(
            "yaml-anchor", f"不允许使用锚点（&{event.anchor}）。请删除锚点，把内容完整写出。",
            display, event.start_mark))
    if event.tag is not None and event.tag != "!":
        problems.append(_problem_at(
            "yaml-tag", f"不允许使用 YAML 标签（{event.tag}）。请删除标签，直接写值。",
            display, event.start_mark))


def _not_a_key(event: Any, display: str) -> _Refused:
    """An empty value, a list or a mapping where a mapping's key should be."""
    return _Refused(_problem_at("yaml-key-type", "字段名必须是普通文字，不能为空、列表或映射。",
                                display, event.start_mark))


def _duplicate(key: str, marks: dict[str, Any], event: Any, display: str) -> Problem:
    return _problem_at(
        "yaml-duplicate-key",
        f"字段“{key}”重复（第一次出现在第 {marks[key].line + 1} 行）。"
        "后面的值会悄悄覆盖前面的值，请删除或合并其中一个。",
        display, event.start_mark)


class _NoKey:
    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<no key>"


_NO_KEY = _NoKey()

# libyaml's messages, in the words a clerk can act on. The original stays in brackets for
# whoever maintains the portal.
_SYNTAX_HINTS = [
    ("mapping values are not allowed", "这里出现了多余的冒号“:”。值里含有冒号时请给整个值加引号，或检查缩进。"),
    ("could not find expected ':'", "找不到应有的冒号“:”：每一行应写成“字段: 值”。"),
    ("did not find expected key", "缩进不一致：同一层的字段要用相同数量的空格对齐。"),
    ("did not find expected '-' indicator", "列表项缩进不一致：同一列表的“- ”要对齐。"),
    ("found character that cannot start any token", "出现了不能作为开头的字符（例如 @ 或 `）。请给该值加引号。"),
    ("found undefined alias", "出现了别名（*）。不允许使用别名，请把内容完整写出。"),
    ("found unexpected end of stream", "文件意外结束：可能有未闭合的引号或括号。"),
    ("found unknown escape character", "双引号里的反斜杠“\\”写法不对。请改用单引号，或删除反斜杠。"),
    ("expected <block end>, but found", "缩进不一致：这一行的缩进与上文不匹配。"),
    ("while parsing a flow", "方括号 [ ] 或花括号 { } 没有正确闭合。"),
    ("while scanning a quoted scalar", "引号没有闭合：请检查成对的引号。"),
    ("expected a single document", "一个文件只能有一个 YAML 文档。"),
    ("found a tab character", "含有 Tab 制表符，请改用空格。"),
    ("exceeded maximum nesting depth", "嵌套层数过多，请检查方括号或花括号。"),
]


def _syntax_message(exc: yaml.MarkedYAMLError) -> str:
    original = "; ".join(str(part) for part in (exc.context, exc.problem) if part)
    for needle, hint in _SYNTAX_HINTS:
        if needle in original:
            return f"YAML 语法错误：{hint}（{original}）"
    return f"YAML 语法错误（{original}）"


# --- positions ---------------------------------------------------------------------------

def compose(raw: bytes) -> Node | None:
    """The node tree of a file that loaded cleanly, for `locate`."""
    return yaml.compose(raw, Loader=_Loader)


def locate(root: Node | None, path: Path, *, at_key: bool = False) -> tuple[int, int]:
    """Line and column (1-based) of the value at `path`, or of its key with `at_key`.

    Walks as far down the path as the file goes; a path that does not exist (a missing
    required field) points at the deepest mapping or list that does.
    """
    if root is None:
        return (1, 1)
    node: Node = root
    key_node: Node | None = None
    for part in path:
        key_node = None
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value == part:
                    key_node, node = key, value
                    break
            else:
                break
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            break
    target = key_node if at_key and key_node is not None else node
    return (target.start_mark.line + 1, target.start_mark.column + 1)
