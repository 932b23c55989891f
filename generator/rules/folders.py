"""记录必须放在它所写执法主体的文件夹中，文件名与标识一致。

与 CODEOWNERS（每个主体文件夹对应其审核人）配合，一个主体只能以自己的名义发布：县市场监管局的
执法决定必须放在 ``data/agencies/lsscjgj/`` 下，并写 ``agency: lsscjgj``。执法决定放在作出决定
当年的年份文件夹中；法律法规和裁量基准文件以其 ``id`` 命名。

通过（``data/agencies/lsscjgj/decisions/2024/2024-012.yaml``）::

    agency: lsscjgj
    decided_on: 2024-04-10

不通过（``wrong-folder``）::

    agency: lscgzf          # 文件夹是 lsscjgj
    decided_on: 2023-12-28  # 文件夹是 2024
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import RECORD_KINDS, Corpus
from ..problems import Problem

CODES = {"wrong-folder": "记录所在文件夹或文件名与其内容不符"}
# Each file is checked against its own place alone: a changed file is checked again, the others not.
# (A calendar file, a setting, named for another year is reported too: the checker then runs the
# rule on the whole corpus each time, as for any rule that reports a file of another kind.)
READS = RECORD_KINDS
EACH = RECORD_KINDS


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.documents:
        placement = document.placement
        folder = placement.agency
        if placement.kind == "agency":
            value = document.get("id")
            if isinstance(value, str) and value != folder:
                yield Problem("wrong-folder", f"标识 {value} 与所在文件夹 agencies/{folder}/ 不一致；"
                              "标识必须与文件夹同名。", document.file, path=("id",))
        elif placement.kind in ("personnel", "items", "decision") or (
                placement.kind == "benchmark" and folder is not None):
            value = document.get("agency")
            if value is None and placement.kind == "benchmark":
                yield Problem("wrong-folder", f"本县裁量基准须填写 agency: {folder}（所在主体文件夹）。",
                              document.file, path=())
            elif isinstance(value, str) and value != folder:
                yield Problem("wrong-folder", f"执法主体写的是 {value}，但文件放在 agencies/{folder}/ 下。"
                              "每个主体只能在自己的文件夹中发布记录。", document.file, path=("agency",))
        elif placement.upstream and document.get("agency") is not None:
            yield Problem("wrong-folder", "上级（省、市）裁量基准不属于本县任何主体，不应填写 agency；"
                          "本县细化的基准请放在 agencies/<主体>/benchmarks/。", document.file, path=("agency",))

        if placement.kind in ("law", "benchmark"):
            value = document.get("id")
            if isinstance(value, str) and value != placement.stem:
                yield Problem("wrong-folder", f"标识 {value} 与文件名 {placement.stem}.yaml 不一致；"
                              "请把文件改名为 {value}.yaml 或修改标识。".replace("{value}", value),
                              document.file, path=("id",))
        if placement.kind == "calendar":
            value = document.get("year")
            if isinstance(value, int) and str(value) != placement.stem:
                yield Problem("wrong-folder", f"年份 {value} 与文件名 {placement.stem}.yaml 不一致。",
                              document.file, path=("year",))
        if placement.kind == "decision":
            decided = document.get("decided_on")
            if isinstance(decided, str) and decided[:4] != placement.year:
                yield Problem("wrong-folder", f"决定日期是 {decided}，文件却放在 decisions/{placement.year}/；"
                              f"请移到 decisions/{decided[:4]}/。", document.file, path=("decided_on",))
