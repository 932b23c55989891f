"""A page per decision on display (一案一码): summary fields, QR address, content hash, withdrawals."""

from __future__ import annotations

import datetime
import hashlib
import html
import json
import re
from pathlib import Path

import pytest

from generator.checker import validate
from generator.layout import Placement
from generator.pages.decisions import content_hash, outcome_lines, slug
from generator.render import pages

from .conftest import REPO

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
PAGE = "decisions/lsscjgj/2024-012/index.html"
URL = "https://zfgs.example.gov.cn/decisions/lsscjgj/2024-012/"
DOC_NO = "连山市监罚〔2024〕12号"

day = datetime.date.fromisoformat


def build(cli, project: Path, today: str = "2026-11-27") -> Path:
    out = project / "site"
    code, _, stderr = cli("build", "--root", str(project), "--out", str(out), "--today", today)
    assert (code, stderr) == (0, "")
    return out


def text_of(page: Path) -> str:
    """The page's visible text (tags dropped, entities decoded), the QR code's SVG left out."""
    source = re.sub(r"<svg.*?</svg>", "", page.read_text(encoding="utf-8"), flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", source))


def withdraw(project: Path) -> None:
    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("status: 有效", """status: 已撤回
withdrawal:
  date: 2024-09-24
  changed_on: 2024-09-20
  reason: 县人民政府经行政复议决定撤销本处罚决定，本局依法撤下原公示内容。
  document: 连山壮族瑶族自治县人民政府行政复议决定书（连府复决〔2024〕7号）"""), encoding="utf-8")


def test_a_decision_page_shows_the_summary_of_order_45_article_4(cli, project: Path):
    text = text_of(build(cli, project) / PAGE)
    assert "行政处罚信息摘要" in text
    for field, value in [("决定书文号", DOC_NO), ("当事人", "连山壮族瑶族自治县禾丰食品有限公司（法人）"),
                         ("统一社会信用代码", "91441825MA4W2G6Y8W"), ("处罚内容", "罚款 50,000 元"),
                         ("作出决定的机关", "连山壮族瑶族自治县市场监督管理局"), ("决定日期", "2024-04-10")]:
        assert re.search(f"{field}\\s+{re.escape(value)}", text), field
    assert re.search(r"违法行为类型\s+\S", text)
    assert "当事人经营超过保质期的食品" in text  # facts
    assert "《中华人民共和国食品安全法》第一百二十四条第一款第（五）项" in text  # basis
    assert re.search(r"适用阶次\s+从轻处罚", text) and re.search(r"阶次幅度\s+\S+ 元", text)
    assert re.search(r"程序\s+普通程序", text)
    assert re.search(r"公示截止日期\s+2027-04-15", text) and re.search(r"状态\s+有效", text)


def test_the_qr_code_address_is_the_page_canonical_address(cli, project: Path):
    source = (build(cli, project) / PAGE).read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{URL}">' in source
    assert f"本页网址：<span class=\"portal-url\">{URL}</span>" in source
    svg = re.search(r'<svg [^>]*class="portal-qr-code"[^>]*>.*?</svg>', source, flags=re.S).group(0)
    assert 'role="img"' in svg and f"<title>{DOC_NO}的二维码：{URL}</title>" in svg


def test_the_content_hash_is_the_sha256_of_the_record_as_canonical_json(cli, project: Path):
    record = validate(project).corpus.decisions[DOC_NO][0].value
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    assert content_hash(record) == expected
    assert f'<code class="portal-hash">{expected}</code>' in (build(cli, project) / PAGE).read_text(encoding="utf-8")


def test_a_withdrawn_decision_shows_the_notice_and_not_the_content(cli, project: Path):
    withdraw(project)
    out = build(cli, project)
    text = text_of(out / PAGE)
    assert "撤回公告" in text and "2024-09-24" in text
    assert "县人民政府经行政复议决定撤销本处罚决定" in text and "连府复决〔2024〕7号" in text
    for hidden in ("当事人经营超过保质期的食品", "禾丰食品", "91441825MA4W2G6Y8W", "陈某", "50,000", "罚款",
                   "连山某某食品有限公司"):
        assert hidden not in text, hidden
    for listing in ("decisions/index.html", "agencies/lsscjgj/index.html", "index.html"):
        listed = text_of(out / listing)
        assert DOC_NO in listed and "禾丰食品" not in listed and "连山某某食品有限公司" not in listed, listing


def test_the_lists_link_each_decision_to_its_page(cli, project: Path):
    out = build(cli, project)
    for listing, href in [("decisions/index.html", "lsscjgj/2024-012/"),
                          ("agencies/lsscjgj/index.html", "../../decisions/lsscjgj/2024-012/"),
                          ("index.html", "decisions/lsscjgj/2024-012/")]:
        assert f'href="{href}"' in (out / listing).read_text(encoding="utf-8"), listing


def list_rows(body: str) -> list[tuple[str, str]]:
    """(date, 文书号) of each row of a list page, top to bottom."""
    return re.findall(r'data-date="([^"]*)"[^>]*></span>[^<]*</td><td><a href="[^"]*">([^<]*)</a>', body)


def test_a_long_list_is_in_pages_holding_each_decision_once_newest_first(monkeypatch):
    from generator.pages import paging

    monkeypatch.setattr(paging, "PAGE_ROWS", 7)  # the bundled sample's ~50 decisions make several pages
    generated = pages(validate(REPO).corpus, day("2026-11-27"))
    count = sum(1 for uri in generated if re.fullmatch(r"decisions/(index|p/\d+)\.md", uri))
    bodies = [generated["decisions/index.md" if number == 1 else f"decisions/p/{number}.md"].body
              for number in range(1, count + 1)]
    rows = [list_rows(body) for body in bodies]
    every = [row for page in rows for row in page]
    shown = {page.title for uri, page in generated.items() if re.fullmatch(r"decisions/[a-z][a-z0-9-]+/[^/]+\.md", uri)}  # a body id: 2+ characters
    assert count == -(-len(shown) // 7) >= 3
    assert [len(page) for page in rows[:-1]] == [7] * (count - 1) and 0 < len(rows[-1]) <= 7
    assert sorted(doc_no for _, doc_no in every) == sorted(shown)  # each once
    assert [date for date, _ in every] == sorted((date for date, _ in every), reverse=True)
    second = bodies[1]
    assert '<span aria-current="page">2</span>' in second
    for label, target in [("首页", "../../"), ("上一页", "../../"), ("3", "../3/"), ("下一页", "../3/"),
                          ("末页", f"../{count}/")]:
        assert re.search(f'<a href="{re.escape(target)}"[^>]*>{label}</a>', second), label
    assert "上一页" not in bodies[0] and "下一页" not in bodies[-1]
    assert f"共 {len(shown)} 件" in second and "本页是第 2 页" in second


def test_the_list_file_holds_every_row_with_links_to_the_decision_pages(monkeypatch):
    import posixpath

    from generator.pages import paging

    monkeypatch.setattr(paging, "PAGE_ROWS", 7)
    generated = pages(validate(REPO).corpus, day("2026-11-27"))
    data = json.loads(generated["decisions/list.json"])
    assert data["attributes"] == ["body", "type", "year", "town", "date", "amount"]
    lines = generated["decisions/list.json"].splitlines()
    assert len(lines) == len(data["rows"]) + 2  # one line a row
    every = [row for number in range(1, 1 + -(-len(data["rows"]) // 7))
             for row in list_rows(generated["decisions/index.md" if number == 1 else f"decisions/p/{number}.md"].body)]
    assert [(values[4], cells[1][0]) for values, cells in data["rows"]] == every
    for values, cells in data["rows"]:
        target = posixpath.normpath(posixpath.join("decisions", cells[1][1]))
        assert f"{target}.md" in generated, target
        assert values[2] == values[4][:4] == cells[0][:4]
    withdrawn = [cells for _, cells in data["rows"] if isinstance(cells[6], str) and cells[6].startswith("已撤回：")]
    assert withdrawn and all(cells[4] == cells[5] == "—" for cells in withdrawn)


def test_a_list_of_one_page_has_no_links_to_pages_and_no_list_file():
    from generator.pages.paging import PAGE_ROWS

    generated = pages(validate(REPO).corpus, day("2026-11-27"))
    first = generated["decisions/index.md"].body
    assert 10 < len(list_rows(first)) <= PAGE_ROWS
    assert "decisions/list.json" not in generated and "decisions/p/2.md" not in generated
    assert "data-pager" not in first and "data-filter-rows" not in first


def test_a_decision_past_its_display_period_has_no_page(cli, project: Path):
    out = build(cli, project, today="2027-04-16")
    assert not (out / PAGE).exists()
    assert not list((out / "decisions").glob("*/"))
    assert DOC_NO not in (out / "agencies/lsscjgj/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d["outcome"].update(kinds=["警告"], fine=None), id="warning-only"),
    pytest.param(lambda d: d.update(party={"kind": "自然人", "name": "陈某", "minor": True}), id="minor"),
    pytest.param(lambda d: d.update(published_on="2026-12-01"), id="not-yet-published"),
])
def test_a_decision_not_on_display_gets_no_page(project: Path, change):
    corpus = validate(project).corpus
    change(corpus.decisions[DOC_NO][0].value)
    generated = pages(corpus, day("2026-11-27"))
    assert "decisions/lsscjgj/2024-012.md" not in generated
    # The help pages and the open data's field descriptions quote the schemas, whose example is this 文书号;
    # workbooks (bytes) are zipped: tests/test_open_data.py reads their cells.
    quoting_schemas = ("help/", "open-data/index.md", "open-data/datapackage.json")
    assert [uri for uri, text in generated.items()
            if isinstance(text, str) and DOC_NO in text and not uri.startswith(quoting_schemas)] == []


def test_the_slug_is_the_file_name_prefixed_with_its_year():
    def placement(stem: str, year: str = "2024") -> Placement:
        return Placement("decision", f"data/agencies/x/decisions/{year}/{stem}.yaml", "x", stem, year)

    assert slug(placement("2024-012")) == "2024-012"
    assert slug(placement("2024-009-rice-label")) == "2024-009-rice-label"
    assert slug(placement("fumes")) == "2024-fumes"
    assert slug(placement("fumes", "2023")) == "2023-fumes"


def test_the_pages_follow_use_directory_urls(project: Path):
    corpus = validate(project).corpus
    flat = pages(corpus, day("2026-11-27"), directory_urls=False)["decisions/lsscjgj/2024-012.md"].body
    assert "https://zfgs.example.gov.cn/decisions/lsscjgj/2024-012.html" in flat


@pytest.mark.parametrize(("outcome", "expected"), [
    pytest.param({"kinds": ["没收违法所得", "罚款"], "fine": 6000, "confiscated": 480},
                 ["没收违法所得 480 元", "罚款 6,000 元"], id="amounts-beside-their-kinds"),
    pytest.param({"kinds": ["罚款"], "fine": 480, "confiscated": 480}, ["罚款 480 元", "没收金额 480 元"],
                 id="equal-amounts-both-shown"),
    pytest.param({"kinds": ["罚款", "限制从业"], "fine": 1000.5, "restriction_months": 48},
                 ["罚款 1,000.5 元", "限制从业", "限制期限 48 个月"], id="restriction"),
    pytest.param({"permit": "准予许可"}, ["准予许可"], id="permit"),
])
def test_the_outcome_names_each_kind_with_its_amount(outcome, expected):
    assert outcome_lines({"outcome": outcome}) == expected


def modules_of(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """The dark modules an SVG from qr_svg draws, read back from its path: (size, {(x, y)})."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    dark: set[tuple[int, int]] = set()
    x = y = 0
    for command, a, b in re.findall(r"([Mmh])(\d+)(?:\.5| (\d+)(?:\.5)?)?", re.search(r' d="([^"]*)"', svg).group(1)):
        if command == "M":
            x, y = int(a), int(b)
        elif command == "m":
            x += int(a)
        else:
            dark.update((column, y) for column in range(x, x + int(a)))
            x += int(a)
    return size, dark


@pytest.mark.parametrize("url", [URL, "https://zfgs.example.gov.cn/decisions/lsscjgj/2024-009-rice-label/",
                                 "https://zfgs.example.gov.cn/" + "decisions/x/" * 12])
def test_the_qr_code_drawn_decodes_to_the_address(url: str):
    from PIL import Image
    import zxingcpp

    from generator.qrcodes import QUIET, qr_svg

    svg = qr_svg(url, "二维码")
    size, dark = modules_of(svg)
    assert all(QUIET <= x < size - QUIET and QUIET <= y < size - QUIET for x, y in dark)  # the quiet zone is white
    image = Image.new("L", (size, size), 255)
    for module in dark:
        image.putpixel(module, 0)
    found = zxingcpp.read_barcodes(image.resize((size * 8, size * 8), Image.NEAREST))
    assert [barcode.text for barcode in found] == [url]
    assert "<title>二维码</title>" in svg and 'role="img"' in svg


def test_a_different_address_draws_a_different_code():
    from generator.qrcodes import qr_svg

    assert modules_of(qr_svg(URL, "x"))[1] != modules_of(qr_svg(URL.replace("012", "013"), "x"))[1]
