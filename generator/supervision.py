"""执法监督统计: what 县司法局 counts per body and year — decisions published, withdrawn, and
those published or withdrawn after the legal deadline.

Lateness is a warning in validation (it must not block an unrelated change); here it is
counted, so that it is supervised instead of forgotten. The figures come from the same rules
that `portal validate` runs, so the two can never disagree.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

from .checker import Result

LATE_CODES = {"late-publication": "late_publications", "late-withdrawal": "late_withdrawals"}


@dataclass
class BodyYear:
    agency: str
    name: str
    decisions: int = 0
    withdrawn: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    late_publications: list[str] = field(default_factory=list)  # problem messages, one per decision
    late_withdrawals: list[str] = field(default_factory=list)


def supervision(result: Result, year: int) -> list[BodyYear]:
    corpus = result.corpus
    bodies = {refs[0].value["id"]: BodyYear(refs[0].value["id"], refs[0].value.get("name", ""))
              for refs in corpus.agencies.values() if isinstance(refs[0].value.get("id"), str)}
    in_year: dict[str, str] = {}  # decision file → agency, for decisions decided in `year`
    for document in corpus.of("decision"):
        body = bodies.get(document.placement.agency)
        decided = document.get("decided_on")
        if body is None or not (isinstance(decided, str) and decided.startswith(f"{year}-")):
            continue
        in_year[document.file] = body.agency
        body.decisions += 1
        body.by_type[str(document.get("type"))] += 1
        body.withdrawn += document.get("status") == "已撤回"
    for problem in result.problems:
        attribute = LATE_CODES.get(problem.code)
        if attribute and problem.file in in_year:
            getattr(bodies[in_year[problem.file]], attribute).append(f"{problem.file}：{problem.message}")
    return sorted(bodies.values(), key=lambda b: b.agency)


def render_text(report: list[BodyYear], year: int) -> str:
    lines = [f"{year} 年行政执法决定公示情况"]
    for body in report:
        types = "、".join(f"{kind} {count}" for kind, count in sorted(body.by_type.items())) or "无"
        lines.append(f"{body.name}（{body.agency}）：决定 {body.decisions} 件（{types}），撤回 {body.withdrawn} 件，"
                     f"逾期公示 {len(body.late_publications)} 件，逾期撤回 {len(body.late_withdrawals)} 件")
        lines += [f"  - 逾期公示：{m}" for m in body.late_publications]
        lines += [f"  - 逾期撤回：{m}" for m in body.late_withdrawals]
    lines.append(f"合计：决定 {sum(b.decisions for b in report)} 件，"
                 f"逾期公示 {sum(len(b.late_publications) for b in report)} 件，"
                 f"逾期撤回 {sum(len(b.late_withdrawals) for b in report)} 件。")
    return "\n".join(lines) + "\n"


def render_json(report: list[BodyYear], year: int) -> str:
    return json.dumps({"year": year, "bodies": [
        {"agency": b.agency, "name": b.name, "decisions": b.decisions, "by_type": dict(sorted(b.by_type.items())),
         "withdrawn": b.withdrawn, "late_publications": b.late_publications, "late_withdrawals": b.late_withdrawals}
        for b in report]}, ensure_ascii=False, indent=2) + "\n"
