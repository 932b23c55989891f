"""每条记录在网站上有唯一的网址：网址由文件名、事项编码和标识生成，不能与列表页或其他记录冲突。

- 同一主体同一年份文件夹中，``2024-fumes.yaml`` 和 ``fumes.yaml`` 都会生成网址 ``2024-fumes``：后一个会覆盖前一个；
- 事项编码、裁量基准文件标识、法律法规标识不能是 ``index``（那是列表页的网址）；
- 只有大小写不同的两个事项编码在不区分大小写的磁盘（Windows、macOS）上是同一个文件。

通过::

    data/agencies/lsscjgj/decisions/2024/2024-012-food.yaml
    data/agencies/lsscjgj/decisions/2024/2024-013-food.yaml

不通过（``page-address-clash``）::

    data/agencies/lsscjgj/decisions/2024/2024-fumes.yaml
    data/agencies/lsscjgj/decisions/2024/fumes.yaml
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {"page-address-clash": "两条记录会生成同一个网址，或网址与列表页冲突"}


def check(corpus: Corpus) -> Iterator[Problem]:
    seen: dict[tuple[str | None, str], object] = {}
    for document in corpus.of("decision"):
        key = (document.placement.agency, document.placement.slug)
        other = seen.setdefault(key, document)
        if other is document:
            continue
        # report it at the file whose name is not year-prefixed: that is the one to rename
        odd, kept = (document, other) if document.placement.stem != key[1] else (other, document)
        yield Problem("page-address-clash", f"本文件和 {kept.file} 都会生成网址 decisions/{key[0]}/{key[1]}/，"
                      "后一个会覆盖前一个。请给本文件改名（文件名以年份开头，例如 2024-013-xxx.yaml）。",
                      odd.file)
    folded: dict[str, str] = {}
    for code, refs in sorted(corpus.items.items()):
        ref = refs[0]
        if code.lower() == "index":
            yield Problem("page-address-clash", "事项编码不能是 index（那是事项清单页的网址）。", ref.file,
                          path=ref.path + ("code",))
        elif code.lower() in folded and folded[code.lower()] != code:
            yield Problem("page-address-clash", f"事项编码 {code} 与 {folded[code.lower()]} 只有大小写不同，"
                          "在不区分大小写的磁盘上会是同一个网页。请统一编码的大小写。", ref.file,
                          path=ref.path + ("code",))
        folded.setdefault(code.lower(), code)
    for index in (corpus.benchmark_documents, corpus.laws):
        for key, refs in index.items():
            if key == "index":
                yield Problem("page-address-clash", "标识不能是 index（那是列表页的网址）。", refs[0].file,
                              path=("id",))
