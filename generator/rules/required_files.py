"""项目必须有每个网站都需要的文件：``data/site.yaml``（门户名称、网址、页脚标识）和至少一个执法主体。

通过：``data/site.yaml`` 和 ``data/agencies/<主体>/agency.yaml`` 都存在。

不通过（``missing-file``）：``data/`` 文件夹中没有 ``site.yaml``。
"""

from __future__ import annotations

from collections.abc import Iterator

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
