"""The project has the files every site needs: ``data/site.yaml`` (identity, base URL,
footer) and at least one enforcement body.

PASS: ``data/site.yaml`` and ``data/agencies/<id>/agency.yaml`` exist.

FAIL (``missing-file``): a ``data/`` folder without ``site.yaml``.
"""

from __future__ import annotations

from typing import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {"missing-file": "缺少必需的数据文件"}


def check(corpus: Corpus) -> Iterator[Problem]:
    site = corpus.root / "data" / "site.yaml"
    if corpus.site is None and not site.exists():
        yield Problem("missing-file", "缺少门户信息文件 data/site.yaml（站点名称、网址、页脚标识等）。",
                      "data/site.yaml", 1, 1)
    if not (corpus.root / "data" / "agencies").is_dir():
        yield Problem("missing-file", "缺少 data/agencies/ 文件夹：至少需要一个执法主体。",
                      "data/agencies", 1, 1)
