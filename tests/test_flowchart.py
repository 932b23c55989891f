"""Procedures are drawn as SVG flowcharts at build time: one box per step, arrows between."""

from __future__ import annotations

from generator.flowchart import flowchart_svg


def test_one_box_per_step_and_an_arrow_between_each_pair():
    svg = str(flowchart_svg("县市场监管局行政处罚流程", ["立案", "调查取证", "告知", "决定"]))
    assert svg.count("<rect") == 4
    assert svg.count('<path d="M') == 2 * 3  # shaft and head of 3 arrows
    assert 'role="img"' in svg and "<title" in svg and "县市场监管局行政处罚流程" in svg


def test_long_steps_wrap_and_the_drawing_grows():
    short = str(flowchart_svg("流程", ["申请"]))
    long = str(flowchart_svg("流程", ["申请：申请人通过政务服务窗口或者广东政务服务网提交申请材料"]))
    assert long.count("<text") == 2 and short.count("<text") == 1  # 30 characters, 16 a line
    assert 'viewBox="0 0 340 42"' in short and 'viewBox="0 0 340 62"' in long


def test_step_text_is_escaped_and_ids_are_stable():
    svg = str(flowchart_svg("流程", ["<script>alert(1)</script>"]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg == str(flowchart_svg("流程", ["<script>alert(1)</script>"]))


def test_agency_pages_show_each_procedure(cli, project):
    agency = project / "data/agencies/lsscjgj/agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8") + "procedures:\n  - type: 行政处罚\n    steps:\n"
                      "      - 立案\n      - 调查取证\n      - 决定\n", encoding="utf-8")
    code, _, _ = cli("build", "--root", str(project), "--out", str(project / "site"), "--today", "2026-11-27")
    html = (project / "site/agencies/lsscjgj/index.html").read_text(encoding="utf-8")
    assert code == 0
    assert html.count('class="portal-flowchart"') == 1 and "县市场监管局行政处罚流程" in html
