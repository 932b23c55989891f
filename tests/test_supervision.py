"""Lateness does not block a change, and `portal supervision` counts it for 县司法局."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import INVALID

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"


def test_a_late_decision_passes_validation_and_is_counted_by_supervision(cli, project: Path):
    shutil.copyfile(INVALID / "late-publication_decision.yaml", project / DECISION)
    code, out, _ = cli("validate", "--root", str(project))
    assert code == 0 and "警告 [late-publication]" in out
    code, out, err = cli("supervision", "--root", str(project), "--year", "2024")
    lines = out.splitlines()
    assert (code, err) == (0, "")
    assert lines[0] == "2024 年行政执法决定公示情况"
    assert lines[2] == ("连山壮族瑶族自治县市场监督管理局（lsscjgj）：决定 1 件（行政处罚 1），撤回 0 件，"
                        "逾期公示 1 件，逾期撤回 0 件")
    assert lines[3].startswith(f"  - 逾期公示：{DECISION}：")
    assert lines[-1] == "合计：决定 1 件，逾期公示 1 件，逾期撤回 0 件。"


def test_supervision_json_counts_by_type(cli, project: Path):
    code, out, _ = cli("supervision", "--root", str(project), "--year", "2024", "--format", "json")
    body = json.loads(out)
    assert code == 0 and body["year"] == 2024
    assert body["bodies"][1] == {"agency": "lsscjgj", "name": "连山壮族瑶族自治县市场监督管理局", "decisions": 1,
                                 "by_type": {"行政处罚": 1}, "withdrawn": 0, "late_publications": [],
                                 "late_withdrawals": []}


def test_another_year_counts_nothing(cli, project: Path):
    _, out, _ = cli("supervision", "--root", str(project), "--year", "2023")
    assert out.splitlines()[-1] == "合计：决定 0 件，逾期公示 0 件，逾期撤回 0 件。"
