"""The site's search index: static JSON shards, built from the records, read by assets/search.js.

Two indexes answer a query, and a third store holds what the results show:

- the *text* index finds Chinese substrings of names and titles. Each run of Chinese characters
  is cut into overlapping character bigrams (``超标排放`` → 超标, 标排, 排放) plus its last character,
  each run of ASCII letters and digits is one word. A query is cut the same way; a record
  matches when it holds every bigram and word of the query, and the query's text is then checked
  against the record's own text, so a word from the middle of a title is found and nothing
  merely "close" is;
- the *identifier* index finds 文书号, 统一社会信用代码 and item codes by exact value and by prefix;
- the *records* store (``d/<n>.json``) holds, per record, its kind, address, title and the line
  shown under it, ``CHUNK`` records a file.

Both indexes are one sorted list of (key, record ids) each, cut into shards of a few KB at key
boundaries; ``manifest.json`` lists each shard's first key, so a reader finds the shard of a key
(and the shards of a key range, for a prefix) by binary search and downloads nothing else. The
few text keys found in more than ``MAX_POSTINGS`` records (连山, 行政, 处罚, …) are listed in the
manifest as common: a query leans on its rarer keys, and a query made only of common keys shows
the first ``MAX_POSTINGS`` records holding them, said to be partial.

Keys are sorted by UTF-16 code units, as JavaScript compares strings. Records are numbered in
the order results are shown (bodies, laws, benchmarks, items, then decisions newest first), with
room to spare so that a rebuild renumbers few of them (`numbers`): the records of a *group* (a
decision's day) have a block of numbers of their own, which depends on the group alone. Adding
a decision changes its day's record file, the shards of its keys and the manifest, not the files
of every record after it.

`Reader` runs a query the way assets/search.js does, counting the bytes it reads: the tests use it
for lookups, and it tells what one query costs a browser.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Format of the files (manifest ``version``): assets/search.js refuses another.
VERSION = 1
#: Records per ``d/<n>.json`` file: a page of ten results reads at most ten of them (~4 KB each).
CHUNK = 16
#: A text key in more records than this is common: its list is cut to the first ones.
MAX_POSTINGS = 2000
#: Shard size in bytes of JSON: a shard ends at a key whose hash picks it once it holds ``SHARD_MIN``
#: (so that adding a record moves few boundaries), and before a key that would take it past ``SHARD_MAX``.
SHARD_MIN = 8 * 1024
SHARD_MAX = 24 * 1024
_SPREAD = 16
#: A prefix lookup reads at most this many identifier shards; a query at most this many text shards.
PREFIX_SHARDS = 2
TEXT_SHARDS = 4
#: Identifier prefixes shorter than this are not looked up (``91`` would match every company).
MIN_PREFIX = 4
#: Results per page.
PAGE = 10

#: Record kinds, as assets/search.js names them.
KINDS = {"a": "执法主体", "l": "法律法规", "b": "裁量基准", "i": "执法事项", "d": "执法决定"}

_CJK = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(f"([{_CJK}]+)|([0-9a-z]+)")
# 〔2024〕, [2024], (2024), （2024）, 【2024】 are one 文书号: brackets are written as 〔 〕.
_BRACKETS = str.maketrans({**dict.fromkeys("[(【〖〘", "〔"), **dict.fromkeys("])】〗〙", "〕")})
_SPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> list[tuple[bool, str]]:
    """(is Chinese, run) for each run of Chinese characters or of ASCII letters and digits."""
    return [(bool(m.group(1)), m.group(0)) for m in _RUNS.finditer(normalize(text))]


def text_keys(text: str) -> set[str]:
    """The text index keys of `text`: bigrams and the last character of each Chinese run, and words."""
    keys: set[str] = set()
    for match in _RUNS.finditer(normalize(text)):
        run = match.group(0)
        if match.group(1):
            keys.update(map(operator.add, run, run[1:]))
        keys.add(run[-1] if match.group(1) else run)
    return keys


def normalize_id(text: str) -> str:
    """An identifier as the index keeps it: NFKC, lower case, 〔〕 for any bracket, no spaces."""
    return _SPACE.sub("", normalize(text).translate(_BRACKETS))


def sort_key(key: str) -> bytes:
    """JavaScript's string order (UTF-16 code units), which differs from Python's beyond U+FFFF."""
    return key.encode("utf-16-be")


@dataclass(frozen=True)
class Doc:
    """One record as the index knows it."""

    kind: str  # a key of KINDS
    url: str  # from the site's root, as mkdocs writes it: ``items/441825-SCJG-CF-0001/``
    title: str
    details: tuple[str, ...] = ()  # shown under the title
    texts: tuple[str, ...] = ()  # found by Chinese substring
    ids: tuple[str, ...] = ()  # found by exact value and by prefix
    group: int | None = None  # numbered in a block of its group's (see `numbers`); None: from 0, in order

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"k": self.kind, "u": self.url, "t": self.title, "s": list(self.details)}
        shown = normalize("\n".join((self.title, *self.details)))
        extra = [text for text in self.texts if normalize(text) not in shown]
        if extra:
            out["x"] = extra  # searched text that is not shown (a law's short name, say)
        return out


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The C encoder json.dumps uses for a string (UTF-8 kept): a key becomes a JSON string quickly.
_string = json.encoder.encode_basestring


def numbers(docs: Sequence[Doc]) -> list[int]:
    """Each record's number, in the order given (the order results show), with room to spare.

    Records without a group come first and are numbered 0, 1, 2, … . Group ``g`` (groups in
    ascending order) has the block of ``span`` numbers from ``start + g * span``, its records
    numbered from the block's first in the order given: ``start`` is the power of two at or
    above the count of records without a group and ``span`` the one at or above the largest
    group (both at least ``CHUNK``, so a block's records share no file with another block's).
    A record added at the end of its group renumbers no other; only a group outgrowing ``span``
    or the records without a group outgrowing ``start`` renumbers all the groups.
    """
    plain = 0
    sizes: Counter[int] = Counter()
    last = None
    for doc in docs:
        if doc.group is None:
            if sizes:
                raise ValueError(f"{doc.url}: a record without a group after grouped ones")
            plain += 1
            continue
        if doc.group < 0 or (last is not None and doc.group < last):
            raise ValueError(f"{doc.url}: group {doc.group} after group {last} (groups ascend from 0)")
        last = doc.group
        sizes[doc.group] += 1
    start, span = _power(plain), _power(max(sizes.values(), default=0))
    out = list(range(plain))
    for group, size in sorted(sizes.items()):
        out.extend(range(start + group * span, start + group * span + size))
    return out


def _power(count: int) -> int:
    """The power of two at or above `count`, at least CHUNK."""
    return max(CHUNK, 1 << (count - 1).bit_length())


def build(docs: Sequence[Doc]) -> dict[str, str]:
    """The index of `docs` (numbered by `numbers`): file path under ``search/`` → JSON text."""
    text: dict[str, list[int]] = defaultdict(list)
    ids: dict[str, list[int]] = defaultdict(list)
    numbered = numbers(docs)
    for number, doc in zip(numbered, docs, strict=True):
        keys = text_keys(doc.texts[0]) if len(doc.texts) == 1 else set().union(*map(text_keys, doc.texts))
        for key in keys:
            text[key].append(number)
        for key in {normalize_id(i) for i in doc.ids} - {""}:
            ids[key].append(number)
    common = {key: len(numbers) for key, numbers in text.items() if len(numbers) > MAX_POSTINGS}
    files: dict[str, str] = {}
    manifest = {
        "version": VERSION, "docs": len(docs), "chunk": CHUNK, "page": PAGE,
        "text": _shards("t", text, files), "ids": _shards("i", ids, files),
        "common": dict(sorted(common.items(), key=lambda kv: sort_key(kv[0]))),
    }
    chunks: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for number, doc in zip(numbered, docs, strict=True):
        chunks[number // CHUNK].append(doc.record())  # from the chunk's first number on, without a gap
    for chunk, records in chunks.items():
        files[f"d/{chunk}.json"] = _dumps(records)
    files["manifest.json"] = _dumps(manifest)
    return files


def _shards(prefix: str, postings: dict[str, list[int]], files: dict[str, str]) -> list[list[str]]:
    """Cut the sorted keys into shards; add them to `files`; [[separator, file name], ...].

    A shard is named by the shortest prefix of its first key that sorts after the previous
    shard's last key (every key of the shard sorts at or after it), and its file by a hash of
    its content, so a browser may keep it as long as it likes.
    """
    out: list[list[str]] = []
    entries: list[str] = []
    size = 0
    first = last = ""

    def cut() -> None:
        nonlocal entries, size
        content = "[" + ",".join(entries) + "]"
        name = f"{prefix}-{hashlib.sha256(content.encode()).hexdigest()[:12]}.json"
        files[name] = content
        out.append([_separator(last, first) if out else "", name])
        entries, size = [], 0

    previous = ""
    for key in sorted(postings, key=sort_key):
        numbers = postings[key][:MAX_POSTINGS]
        deltas = ",".join(map(str, (b - a for a, b in zip([0, *numbers], numbers, strict=False))))
        entry = f"[{_string(key)},[{deltas}]]"
        grows = len(entry) + len(key.encode()) - len(key) + 1  # bytes of UTF-8
        if size >= SHARD_MIN and size + grows > SHARD_MAX:  # a long list (a common key's) starts the next shard
            cut()
            last = previous
        if not entries:
            first = key
        entries.append(entry)
        size += grows
        previous = key
        if size >= SHARD_MAX or (size >= SHARD_MIN and _spread(key) == 0):
            cut()
            last = key
    if entries or not out:
        cut()
    return out


def _separator(before: str, key: str) -> str:
    """The shortest prefix of `key` that sorts after `before` (which sorts before `key`)."""
    for end in range(1, len(key) + 1):
        if sort_key(key[:end]) > sort_key(before):
            return key[:end]
    return key


def _spread(key: str) -> int:
    return hashlib.blake2b(key.encode(), digest_size=2).digest()[0] % _SPREAD


@dataclass
class Result:
    """What a query shows first, and what it cost."""

    docs: list[dict[str, Any]]
    total: int  # records matched (text matches not yet checked are counted)
    partial: bool  # only the first records of a common word or a long prefix were looked at
    fetched: dict[str, int] = field(default_factory=dict)  # file → bytes read

    @property
    def bytes(self) -> int:
        return sum(self.fetched.values())


class Reader:
    """Runs queries on the index files as assets/search.js does; `fetch(path)` returns a file's text."""

    def __init__(self, fetch: Callable[[str], str]):
        self._fetch = fetch
        self._cache: dict[str, Any] = {}
        self._firsts: dict[str, list[bytes]] = {}
        self.fetched: dict[str, int] = {}

    @classmethod
    def of(cls, files: dict[str, str]) -> Reader:
        return cls(files.__getitem__)

    def _get(self, path: str) -> Any:
        if path not in self._cache:
            text = self._fetch(path)
            self.fetched[path] = len(text.encode())
            self._cache[path] = json.loads(text)
        return self._cache[path]

    @property
    def manifest(self) -> dict[str, Any]:
        return self._get("manifest.json")

    def _shard_of(self, index: str, key: str) -> int:
        if index not in self._firsts:
            self._firsts[index] = [sort_key(first) for first, _ in self.manifest[index]]
        return bisect.bisect_right(self._firsts[index], sort_key(key)) - 1

    def _entries(self, index: str, shard: int) -> Iterable[tuple[str, list[int]]]:
        for key, deltas in self._get(self.manifest[index][shard][1]):
            numbers, total = [], 0
            for delta in deltas:
                total += delta
                numbers.append(total)
            yield key, numbers

    def lookup(self, index: str, key: str) -> list[int]:
        """The records under exactly `key`."""
        return next((numbers for k, numbers in self._entries(index, self._shard_of(index, key)) if k == key), [])

    def prefixed(self, index: str, prefix: str,
                 shards: int = PREFIX_SHARDS) -> tuple[list[tuple[str, list[int]]], bool]:
        """(key, records) for the keys starting with `prefix`, in key order; and whether some were not read."""
        shard, out = self._shard_of(index, prefix), []
        end = sort_key(prefix + "\uffff")
        for step in range(shards + 1):
            if shard + step >= len(self.manifest[index]):
                return out, False
            if step and sort_key(self.manifest[index][shard + step][0]) >= end:
                return out, False
            if step == shards:
                return out, True
            out.extend((k, n) for k, n in self._entries(index, shard + step) if k.startswith(prefix))
        return out, False

    def doc(self, number: int) -> dict[str, Any]:
        chunk = self.manifest["chunk"]
        return self._get(f"d/{number // chunk}.json")[number % chunk]

    def search(self, query: str, limit: int = PAGE) -> Result:
        self.fetched = {}
        ordered, partial = self._identifiers(normalize_id(query))
        exact = bool(ordered) and ordered[0][1]
        text: list[int] = []
        pieces = [run for _, run in runs(query)]
        if pieces and not exact:
            text, text_partial = self._text(runs(query))
            partial = partial or text_partial
        seen, docs, total = set(), [], 0
        candidates = [(n, True) for n, _ in ordered] + [(n, False) for n in text]
        for number, sure in candidates:
            if number in seen:
                continue
            seen.add(number)
            total += 1
            if len(docs) < limit:
                record = self.doc(number)
                if sure or matches(record, pieces):
                    docs.append(record)
                else:
                    total -= 1
        return Result(docs, total, partial, dict(self.fetched))

    def _identifiers(self, key: str) -> tuple[list[tuple[int, bool]], bool]:
        """(record, exact) for identifiers equal to `key`, then the others starting with it in record order."""
        if not key:
            return [], False
        if len(key) < MIN_PREFIX:
            return [(n, True) for n in self.lookup("ids", key)], False
        entries, partial = self.prefixed("ids", key)
        exact = [n for k, numbers in entries if k == key for n in numbers]
        rest = sorted({n for k, numbers in entries if k != key for n in numbers} - set(exact))
        return [(n, True) for n in exact] + [(n, False) for n in rest], partial

    def _text(self, query_runs: list[tuple[bool, str]]) -> tuple[list[int], bool]:
        """Records holding every key of the query (at most TEXT_SHARDS shards read), and whether partial."""
        keys: list[str] = []
        singles: list[str] = []
        for chinese, run in query_runs:
            if chinese and len(run) == 1:
                singles.append(run)
            elif chinese:
                keys.extend(dict.fromkeys(run[i:i + 2] for i in range(len(run) - 1)))
            else:
                keys.append(run)
        common = self.manifest["common"]
        rare = [k for k in keys if k not in common]
        chosen, shards = [], set()
        for key in rare or keys:
            shard = self._shard_of("text", key)
            if shard in shards or len(shards) < TEXT_SHARDS:
                shards.add(shard)
                chosen.append(key)
        partial = bool(chosen) and not rare
        lists = [self.lookup("text", key) for key in chosen]
        if not lists:  # only single characters: every key starting with the first one
            entries, partial = self.prefixed("text", singles[0], shards=TEXT_SHARDS)
            lists = [sorted({n for _, numbers in entries for n in numbers})]
            partial = partial or any(k in common for k, _ in entries)
        found = set(lists[0]).intersection(*lists[1:])
        return sorted(found), partial


def matches(record: dict[str, Any], pieces: list[str]) -> bool:
    """Whether every piece of the query (runs of `runs`) is in the record's searched text."""
    text = normalize("\n".join((record["t"], *record["s"], *record.get("x", ()))))
    return all(piece in text for piece in pieces)
