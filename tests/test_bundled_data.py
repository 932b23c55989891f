"""The data shipped in data/ is what `make site` publishes: it must pass validation and
have the breadth the sample promises."""

from __future__ import annotations

from pathlib import Path

from generator.checker import validate

from .conftest import REPO


def test_bundled_data_passes_validation():
    result = validate(REPO)
    assert [f"{p.file}:{p.line}: [{p.code}] {p.message}" for p in result.problems] == []


def test_bundled_data_has_the_promised_breadth():
    corpus = validate(REPO).corpus
    agencies = [refs[0].value for refs in corpus.agencies.values()]
    assert len(agencies) >= 8
    assert sum(a["level"] == "镇级" for a in agencies) >= 2
    assert len(corpus.officers) >= 60
    assert len(corpus.items) >= 150
    assert len({refs[0].value["type"] for refs in corpus.items.values()}) >= 6
    assert len(corpus.entries) >= 40
    assert any(ref.document.placement.upstream for refs in corpus.entries.values() for ref in refs)
    decisions = [refs[0].value for refs in corpus.decisions.values()]
    assert len(decisions) >= 60
    assert {d["type"] for d in decisions} >= {"行政处罚", "行政许可", "行政检查", "行政强制"}
    assert {d.get("procedure") for d in decisions} >= {"普通", "简易"}
    assert {d["party"]["kind"] for d in decisions} >= {"自然人", "法人"}
    assert any(d["status"] == "已撤回" for d in decisions)
    assert any(d.get("major") is True for d in decisions)
    assert any(d.get("display_until", "9999") < "2026-11-27" for d in decisions)


def test_a_project_without_site_yaml_is_reported(tmp_path: Path):
    (tmp_path / "data").mkdir()
    problems = validate(tmp_path).problems
    assert [(p.code, p.file) for p in problems] == [
        ("missing-file", "data/agencies"), ("missing-file", "data/site.yaml")]
