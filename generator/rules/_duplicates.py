"""Shared by the uniqueness rules: report every record after the first with the same key."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..corpus import Ref
from ..problems import Problem


def report(index: dict[str, list[Ref]], code: str, field: str,
           message: Callable[[str, Ref], str]) -> Iterator[Problem]:
    for key, refs in sorted(index.items()):
        if len(refs) < 2:
            continue
        first = refs[0]
        for ref in refs[1:]:
            yield Problem(code, message(key, first), ref.file, path=ref.path + (field,))


def where(ref: Ref) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in ref.path).lstrip(".")
    return f"{ref.file}" + (f" 的 {path}" if path else "")
