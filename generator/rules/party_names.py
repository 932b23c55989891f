"""自然人当事人只写化名；当事人是未成年人的决定不在网上公开。

参照最高人民法院公布裁判文书的规定（法释〔2016〕19号第九条）：保留姓氏，名字用“某”代替，
写成“张某”或“张某某”；复姓保留复姓（“欧阳某”“欧阳某某”）；少数民族姓名保留第一个字，其余用
“某”代替。同一决定中有两个同姓的人时可写“张某甲”“张某乙”。个体工商户的经营者也是自然人，
``legal_rep`` 同样只写化名（个体工商户的字号照常公开）。

当事人是未成年人（``minor: true``）的决定不得在网上公开：这样的文件不能提交到公开的数据仓库，
决定书按内部档案管理。

通过::

    party:
      kind: 自然人
      name: 欧阳某某

不通过::

    party:
      kind: 自然人
      name: 陈小明        # unmasked-name：应写 陈某 或 陈某某
      minor: true         # minor-party：未成年人当事人不得在网上公开
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..pii import MASKED_NAME, surname
from ..problems import Problem

CODES = {
    "unmasked-name": "自然人当事人（或个体工商户经营者）的姓名没有脱敏",
    "minor-party": "当事人是未成年人的决定不得在网上公开",
}
SOURCE = ("《中华人民共和国个人信息保护法》第二十五条；《中华人民共和国行政处罚法》第五十条；"
          "参照《最高人民法院关于人民法院在互联网公布裁判文书的规定》第九条")
MINOR_SOURCE = "《中华人民共和国个人信息保护法》第二十八条；《中华人民共和国行政处罚法》第五十条"
#: Each decision is checked on its own: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("decision",)
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        party = document.get("party")
        if not isinstance(party, dict):
            continue
        kind = party.get("kind")
        if kind == "自然人":
            if party.get("minor") is True:
                yield Problem("minor-party",
                              "未成年人当事人不得在网上公开：当事人是未成年人的执法决定不能发布，"
                              "本文件也不能提交到公开的数据仓库。请删除本文件，决定书按内部档案管理。",
                              document.file, path=("party", "minor"), source=MINOR_SOURCE)
            yield from _masked(document.file, ("party", "name"), party.get("name"), "自然人当事人的名称")
        elif kind == "个体工商户":
            yield from _masked(document.file, ("party", "legal_rep"), party.get("legal_rep"),
                               "个体工商户经营者（自然人）的姓名")


def _masked(file: str, path: tuple[str, str], name: object, what: str) -> Iterator[Problem]:
    if not isinstance(name, str) or MASKED_NAME.fullmatch(name):
        return
    # The message shows only the surname, which may be published.
    kept = surname(name)
    shown = kept + "*" * (len(name) - len(kept))
    yield Problem("unmasked-name",
                  f"{what}没有脱敏（写的是“{shown}”，共 {len(name)} 个字）：只写姓加“某”，"
                  f"例如 {kept}某 或 {kept}某某；复姓写 欧阳某，少数民族姓名保留第一个字。",
                  file, path=path, source=SOURCE)
