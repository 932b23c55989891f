"""Shared by the uniqueness rules: report every record after the first with the same key."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..corpus import Ref
from ..problems import Problem


def report(index: dict[str, list[Ref]], code: str, field: str,
           message: Callable[[str, Ref], str]) -> Iterator[Problem]:
    # The keys found more than once, sorted: not all of them (a county's 50,000 文书号 took ~0.05 s).
    for key in sorted(key for key, refs in index.items() if len(refs) > 1):
        first, *refs = index[key]
        for ref in refs:
            yield Problem(code, message(key, first), ref.file, path=ref.path + (field,))


def where(ref: Ref) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in ref.path).lstrip(".")
    return f"{ref.file}" + (f" 的 {path}" if path else "")
