"""裁量基准覆盖情况: every penalty item of a body, and whether a benchmark entry serves it.

《行政处罚法》第三十四条 and 国办发〔2022〕27号 expect a benchmark for every penalty power; the
report lists, per body, the penalty items in use that no county benchmark entry names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .corpus import Corpus


@dataclass
class BodyCoverage:
    agency: str
    name: str
    items: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (code, name)

    @property
    def covered(self) -> int:
        return self.items - len(self.missing)


def coverage(corpus: Corpus, agency: str | None = None) -> list[BodyCoverage]:
    served = {entry.get("item") for refs in corpus.entries.values() for ref in refs
              if not ref.document.placement.upstream for entry in [ref.value]}
    bodies: dict[str, BodyCoverage] = {}
    for refs in corpus.agencies.values():
        value = refs[0].value
        if agency is None or value.get("id") == agency:
            bodies[value["id"]] = BodyCoverage(value["id"], value.get("name", value["id"]))
    for document in corpus.of("items"):
        body = bodies.get(document.placement.agency)
        if body is None:
            continue
        for _, item in document.records("items"):
            if item.get("type") == "行政处罚" and item.get("status") == "在用":
                body.items += 1
                if item.get("code") not in served:
                    body.missing.append((str(item.get("code")), str(item.get("name"))))
    return sorted(bodies.values(), key=lambda b: b.agency)


def render_text(report: list[BodyCoverage]) -> str:
    lines = []
    for body in report:
        lines.append(f"{body.name}（{body.agency}）：在用行政处罚事项 {body.items} 项，"
                     f"有裁量基准 {body.covered} 项，缺 {len(body.missing)} 项")
        lines += [f"  - {code} {name}" for code, name in body.missing]
    total = sum(b.items for b in report)
    missing = sum(len(b.missing) for b in report)
    lines.append(f"合计：在用行政处罚事项 {total} 项，缺少裁量基准 {missing} 项。")
    return "\n".join(lines) + "\n"


def render_json(report: list[BodyCoverage]) -> str:
    return json.dumps([{"agency": b.agency, "name": b.name, "penalty_items": b.items, "covered": b.covered,
                        "missing": [{"code": c, "name": n} for c, n in b.missing]} for b in report],
                      ensure_ascii=False, indent=2) + "\n"
