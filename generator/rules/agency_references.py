"""记录中写到的执法主体都必须存在：每个主体文件夹都有 ``agency.yaml``；事项赋权的承接镇必须是镇级主体。

通过::

    delegation:
      towns: [jitian, taibao]   # 两个镇都有 data/agencies/<标识>/agency.yaml，层级为 镇级

不通过（``unknown-agency``）::

    delegation:
      towns: [jitan]            # 没有这个主体
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {"unknown-agency": "引用的执法主体不存在，或主体文件夹缺少 agency.yaml"}


def check(corpus: Corpus) -> Iterator[Problem]:
    has_agency_file: dict[str, bool] = {}  # one look per folder, not per record
    reported: set[str] = set()
    for document in corpus.documents:
        folder = document.placement.agency
        if folder is None or folder in reported:
            continue
        if folder not in has_agency_file:
            has_agency_file[folder] = (corpus.root / "data" / "agencies" / folder / "agency.yaml").is_file()
        if not has_agency_file[folder]:
            reported.add(folder)
            yield Problem("unknown-agency", f"文件夹 agencies/{folder}/ 中没有 agency.yaml："
                          "请先建立执法主体信息，再发布事项、人员或决定。", document.file)
    for document in corpus.of("items"):
        for path, item in document.records("items"):
            delegation = item.get("delegation")
            towns = delegation.get("towns") if isinstance(delegation, dict) else None
            if not isinstance(towns, list):
                continue
            for index, town in enumerate(towns):
                if not isinstance(town, str):
                    continue
                agency = corpus.agency(town)
                if agency is None:
                    yield Problem("unknown-agency", f"承接镇 {town} 不是已登记的执法主体"
                                  f"（data/agencies/{town}/agency.yaml 不存在）。", document.file,
                                  path=path + ("delegation", "towns", index))
                elif agency.get("level") != "镇级":
                    yield Problem("unknown-agency", f"{town}（{agency.get('name')}）不是镇级主体，"
                                  "赋权只能下放给镇人民政府。", document.file,
                                  path=path + ("delegation", "towns", index))
