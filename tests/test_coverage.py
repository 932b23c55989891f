"""`portal coverage` lists the penalty items in use that no county benchmark entry serves."""

from __future__ import annotations

import json
from pathlib import Path

ITEMS = "data/agencies/lsscjgj/items.yaml"
UNSERVED = """  - code: 441825-SCJG-CF-0002
    name: 对未按规定查验进货凭证的行政处罚
    type: 行政处罚
    basis:
      - 《中华人民共和国食品安全法》第一百二十六条第一款第（三）项
    level: 县级
    status: 在用
  - code: 441825-SCJG-CF-0003
    name: 已取消的处罚事项
    type: 行政处罚
    basis:
      - 《中华人民共和国食品安全法》第一百二十六条
    level: 县级
    status: 已取消
"""


def test_every_served_item_counts_and_unserved_ones_are_listed(cli, project: Path):
    with (project / ITEMS).open("a", encoding="utf-8") as fh:
        fh.write(UNSERVED)
    code, out, err = cli("coverage", "--root", str(project), "--agency", "lsscjgj")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "连山壮族瑶族自治县市场监督管理局（lsscjgj）：在用行政处罚事项 2 项，有裁量基准 1 项，缺 1 项",
        "  - 441825-SCJG-CF-0002 对未按规定查验进货凭证的行政处罚",
        "合计：在用行政处罚事项 2 项，缺少裁量基准 1 项。",
    ]


def test_json_lists_every_body(cli, project: Path):
    code, out, _ = cli("coverage", "--root", str(project), "--format", "json")
    assert code == 0
    assert json.loads(out) == [
        {"agency": "jitian", "name": "连山壮族瑶族自治县吉田镇人民政府", "penalty_items": 0, "covered": 0,
         "missing": []},
        {"agency": "lsscjgj", "name": "连山壮族瑶族自治县市场监督管理局", "penalty_items": 1, "covered": 1,
         "missing": []},
    ]


def test_an_unknown_body_is_a_usage_error(cli, project: Path):
    code, _, err = cli("coverage", "--root", str(project), "--agency", "nope")
    assert code == 2 and "nope" in err
