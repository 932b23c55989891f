"""A department's pull request, played end to end (issue 5, “done when”).

A base commit made from tests/data/valid, then a change by 县市场监管局 with three mistakes
in it — a new decision with an unknown item code and an impossible date, and an edited item
that lost a required field — committed on top. CI annotates exactly those three lines, and
the job summary names the records the change touches.
"""

from __future__ import annotations

import re
from pathlib import Path

from .gitrepo import commit, init

NEW_DECISION = "data/agencies/lsscjgj/decisions/2024/2024-013.yaml"
ITEMS = "data/agencies/lsscjgj/items.yaml"

DECISION_TEXT = """\
doc_no: 连山市监罚〔2024〕13号
type: 行政处罚
title: 对连山某某食品店经营超过保质期食品的行政处罚决定
agency: lsscjgj
item: 441825-SCJG-CF-0009
town: 吉田镇
party:
  kind: 法人
  name: 连山壮族瑶族自治县禾丰食品有限公司
  credit_code: "91441825MA4W2G6Y8W"
  legal_rep: 陈某
facts: 当事人经营超过保质期的食品，货值金额 300 元。
basis:
  - 《中华人民共和国食品安全法》第一百二十四条第一款第（五）项
benchmark:
  entry: ls-sp-001
  tier: 从轻处罚
outcome:
  kinds: [罚款]
  fine: 52000
procedure: 普通
officers: ["44182501001", "44182501002"]
major: false
decided_on: 2024-05-10
published_on: 2024-05-32
status: 有效
"""


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def _department_change(root: Path) -> dict[str, int]:
    """Write the change; the line of each mistake, as a reviewer would point at it."""
    (root / NEW_DECISION).write_text(DECISION_TEXT, encoding="utf-8")
    items = root / ITEMS
    text = items.read_text(encoding="utf-8")
    text = text.replace("    level: 县级\n", "")  # a required field deleted by mistake
    text = text.replace("name: 对经营超过保质期食品的行政处罚", "name: 对经营超过保质期食品的行政处罚（2024 年调整）")
    items.write_text(text, encoding="utf-8")
    return {
        "unknown item": _line_of(DECISION_TEXT, "item: 441825-SCJG-CF-0009"),
        "impossible date": _line_of(DECISION_TEXT, "published_on: 2024-05-32"),
        "missing level": _line_of(text, "- code: 441825-SCJG-CF-0001"),
    }


def test_a_pull_request_with_three_mistakes_gets_three_annotations_and_a_summary(cli, project: Path):
    base = init(project)
    lines = _department_change(project)
    head = commit(project, "县市场监管局：新增 2024 年第 13 号处罚决定，调整事项名称")

    code, out, _ = cli("validate", "--root", str(project), "--format", "github")
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    found = sorted(re.match(r"::error file=([^,]+),line=(\d+),col=\d+,title=([^:]+)::", line).groups()
                   for line in annotations)
    assert (code, found) == (1, sorted([
        (NEW_DECISION, str(lines["unknown item"]), "unknown-item"),
        (NEW_DECISION, str(lines["impossible date"]), "schema-format"),
        (ITEMS, str(lines["missing level"]), "schema-required"),
    ]))

    code, summary, err = cli("diff", base, head, "--root", str(project))
    assert (code, err) == (0, "")
    decisions = summary.split("### 执法决定")[1].split("###")[0]
    items = summary.split("### 执法事项")[1].split("###")[0]
    assert "**新增（1）**" in decisions and "连山市监罚〔2024〕13号" in decisions
    assert "**变更（1）**" in items and "441825-SCJG-CF-0001" in items
    assert "事项名称：对经营超过保质期食品的行政处罚 → 对经营超过保质期食品的行政处罚（2024 年调整）" in items
    assert "行使层级：县级 → （无）" in items
