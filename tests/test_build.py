"""`portal build` renders a real mkdocs-material site from the data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from generator import loader, schemas
from generator.rules import RULE_CODES
from generator.schemas import KIND_SCHEMAS

from .conftest import INVALID

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"


def build(cli, project: Path, *extra: str) -> tuple[int, str, str, Path]:
    out = project / "site"
    code, stdout, stderr = cli("build", "--root", str(project), "--out", str(out), "--today", "2026-11-27", *extra)
    return code, stdout, stderr, out


def test_build_writes_the_pages(cli, project: Path):
    code, stdout, stderr, out = build(cli, project)
    assert (code, stderr) == (0, "")
    assert "网站已生成" in stdout
    for page in ("index.html", "agencies/index.html", "agencies/lsscjgj/index.html", "decisions/index.html",
                 "help/schemas/index.html", "help/rules/index.html", "404.html"):
        assert (out / page).is_file(), page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in home
    assert "连山壮族瑶族自治县禾丰食品有限公司" not in home  # party names only on decision lists
    assert "连山市监罚〔2024〕12号" in home
    # the counts row: 2 bodies, 2 officers, 1 item, 2 benchmark entries, 1 decision on display
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", home)
    assert cells[:5] == ["2", "2", "1", "2", "1"]
    assert "县市场监管局" in home  # bodies are named, not shown by their ids


def test_invalid_data_builds_nothing(cli, project: Path):
    shutil.copyfile(INVALID / "unknown-item_decision.yaml", project / DECISION)
    code, stdout, stderr, out = build(cli, project)
    assert code == 1
    assert "[unknown-item]" in stderr and "未生成网站" in stderr
    assert not out.exists()


def test_expired_decisions_are_not_listed(cli, project: Path):
    # 罚款 50000 元 published 2024-04-15: on display for three years, through 2027-04-15
    code, _, stderr, out = build(cli, project, "--today", "2027-04-16")
    assert (code, stderr) == (0, "")
    assert "连山市监罚〔2024〕12号" not in (out / "decisions/index.html").read_text(encoding="utf-8")


def test_data_is_text_never_markup(cli, project: Path):
    path = project / DECISION
    hostile = "<script>alert(1)</script>[点我](javascript:alert(1)) | **粗体**"
    text = path.read_text(encoding="utf-8").replace(
        "title: 对连山某某食品有限公司经营超过保质期食品的行政处罚决定", f"title: '{hostile}'")
    path.write_text(text, encoding="utf-8")
    code, _, stderr, out = build(cli, project)
    assert (code, stderr) == (0, "")
    page = (out / "decisions/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert "<strong>粗体" not in page
    assert "&#60;script&#62;alert&#40;1&#41;" in page  # shown as text by the browser


def test_nothing_is_loaded_from_another_origin(cli, project: Path):
    _, _, _, out = build(cli, project)
    offenders = []
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # what a browser fetches: scripts, images, frames and stylesheet/icon/preload links
        # (a rel="canonical" link names the page's own address; nothing is fetched)
        for match in re.finditer(r'<(?:script|img|iframe|source)[^>]+src="(https?:)?//[^"]+"'
                                 r'|<link(?=[^>]*rel="(?:stylesheet|preload|modulepreload|icon|manifest)")'
                                 r'[^>]+href="(https?:)?//[^"]+"', html):
            offenders.append((page.name, match.group(0)))
    assert offenders == []


def test_reference_pages_cover_every_schema_and_rule_code(cli, project: Path):
    _, _, _, out = build(cli, project)
    schemas_page = (out / "help/schemas/index.html").read_text(encoding="utf-8")
    rules_page = (out / "help/rules/index.html").read_text(encoding="utf-8")
    assert [name for name in KIND_SCHEMAS.values() if name not in schemas_page] == []
    every_code = [*RULE_CODES, *loader.CODES, *schemas.CODES]
    assert [code for code in every_code if f"<code>{code}</code>" not in rules_page] == []


def test_every_page_footer_shows_the_site_identity(cli, project: Path):
    _, _, _, out = build(cli, project)
    for page in ("index.html", "agencies/lsscjgj/index.html", "help/rules/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert "主办单位：连山壮族瑶族自治县司法局" in html, page
        assert "网站标识码：4418250001" in html and "粤ICP备00000000号-1" in html
        assert "粤公网安备 44182502000001号" in html and "联系电话：0763-6600000" in html


def test_a_production_build_without_the_identity_fails_and_names_the_fields(cli, project: Path):
    site = project / "data" / "site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text("\n".join(line for line in text.splitlines()
                              if not line.startswith(("site_code", "icp", "police_filing"))) + "\n",
                    encoding="utf-8")
    code, _, _, out = build(cli, project)
    assert code == 0  # a preview may lack them
    code, _, stderr, _ = build(cli, project, "--production")
    assert code == 1
    assert [line.split(" [")[1].split("]")[0] for line in stderr.splitlines() if "[site-identity-missing]" in line] \
        == ["site-identity-missing"] * 3
    assert "网站标识码" in stderr and "ICP 备案号" in stderr and "公安机关备案号" in stderr
    assert "data/site.yaml:2:1" in stderr  # the record starts below the comment line


def test_the_footer_escapes_site_yaml(cli, project: Path):
    site = project / "data" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").replace(
        "sponsor: 连山壮族瑶族自治县司法局", "sponsor: '<img src=x onerror=alert(1)>司法局'"), encoding="utf-8")
    _, _, _, out = build(cli, project)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;司法局" in html


def test_the_home_page_counts_by_body_and_by_power_type_and_offers_search(cli, project: Path):
    _, _, _, out = build(cli, project)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<form class="portal-home-search" action="search/"' in html and 'name="q"' in html
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*</tr>", html, re.S)
    assert ("行政处罚", "1", "1") in rows  # 1 penalty item in use, 1 penalty decision on display
    assert "连山壮族瑶族自治县吉田镇人民政府</a></td>" in html
    # Each body's row: items, certified officers, decisions on display (its decision pages).
    for body in ("lsscjgj", "jitian"):
        row = re.search(rf'<a href="agencies/{body}/">[^<]*</a></td>\s*<td>[^<]*</td>'
                        r'(?:\s*<td[^>]*>(\d+)</td>){3}', html)
        pages = list((out / "decisions" / body).glob("*/index.html")) if (out / "decisions" / body).is_dir() else []
        assert row is not None and row.group(1) == str(len(pages)), body


def test_every_character_markup_reads_is_written_as_an_entity_alone_or_in_chinese_text():
    from generator.render import _SPECIAL, escape

    for char, entity in _SPECIAL.items():
        assert escape(char) == entity
        assert escape(f"连山{char}某") == f"连山{entity}某"
    assert escape("第一行\n第二行\r") == "第一行 第二行 "  # a table cell stays one line
    assert escape("连山壮族瑶族自治县") == "连山壮族瑶族自治县" and escape(None) == "" and escape(12) == "12"


def test_a_build_that_stops_half_way_leaves_no_writer_running(project: Path, monkeypatch):
    import datetime
    import multiprocessing
    import time

    import pytest

    from generator import build as build_module
    from generator import forking, shell
    from generator.pages import open_data

    def changed_theme(output, canonical):
        raise ValueError("主题页面中找不到占位内容")

    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)  # as in `portal build`: it may fork
    monkeypatch.setattr(shell.Shell, "cut", changed_theme)  # mkdocs stops after the open data's writer started
    monkeypatch.setattr(open_data.FileJob, "write", lambda self, site_dir, allowed=(): time.sleep(60))
    with pytest.raises(ValueError, match="占位内容"):
        build_module.build_site(project, out=project / "site", today=datetime.date(2026, 11, 27))
    assert multiprocessing.active_children() == []
    assert build_module._jobs == {} and build_module._writing == {}


def test_no_record_writer_is_forked_while_the_open_data_is_written(project: Path, monkeypatch, tmp_path: Path):
    # Each process reading the corpus copies much of it: no record pages' writer runs beside the
    # open data's writer, even when the pages' shells are ready first. Meanwhile the build's own
    # process writes record pages (it reads the corpus anyway).
    import datetime
    import os
    import time

    from generator import build as build_module
    from generator import forking, shell
    from generator.pages import open_data

    marks, shells_ready, main_wrote = tmp_path / "marks", tmp_path / "shells-ready", tmp_path / "main-wrote"
    main = os.getpid()
    write_files, write_page, cut = open_data.FileJob.write, shell._write, shell.Shell.cut

    def wait_for(path: Path) -> None:
        deadline = time.monotonic() + 60
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.02)

    def slow_open_data(self, site_dir, allowed=frozenset()):  # in the forked child
        wait_for(shells_ready)
        wait_for(main_wrote)
        out = write_files(self, site_dir, allowed)
        with marks.open("a") as fh:
            fh.write(f"open-data {time.time()}\n")
        return out

    def spy_write(target, data, **options):
        with marks.open("a") as fh:
            fh.write(f"{'main' if os.getpid() == main else 'writer'} {time.time()}\n")
        if os.getpid() == main:
            main_wrote.touch()
            time.sleep(0.05)  # slow enough that pages are left for the writers once the open data is done
        return write_page(target, data, **options)

    def spy_cut(output, canonical):
        shells_ready.touch()
        return cut(output, canonical)

    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)  # as in `portal build`: it may fork
    monkeypatch.setattr(shell, "PARALLEL_FROM", 1)  # the sample's few pages still go to forked writers
    monkeypatch.setattr(open_data.FileJob, "write", slow_open_data)
    monkeypatch.setattr(shell, "_write", spy_write)
    monkeypatch.setattr(shell.Shell, "cut", staticmethod(spy_cut))
    assert build_module.build_site(project, out=project / "site", today=datetime.date(2026, 11, 27)) == 0
    events = [(who, float(at)) for who, at in (line.split() for line in marks.read_text().splitlines())]
    done = next(at for who, at in events if who == "open-data")
    assert [who for who, _ in events].count("open-data") == 1
    assert any(who == "main" and at < done for who, at in events)  # the build's process did not wait idle
    assert any(who == "writer" for who, _ in events) and all(at > done for who, at in events if who == "writer")
    assert "PORTAL" not in (project / "site" / "open-data" / "index.html").read_text(encoding="utf-8")


def test_a_build_over_an_earlier_site_keeps_only_its_own_pages_and_the_dotfiles(project: Path):
    # The earlier site's files are moved aside and deleted while the new one is built (_set_aside).
    import datetime

    from generator import build as build_module

    out = project / "site"
    (out / "decisions" / "gone" / "2023-001").mkdir(parents=True)
    (out / "decisions" / "gone" / "2023-001" / "index.html").write_text("公示期已满的决定", encoding="utf-8")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    assert build_module.build_site(project, out=out, today=datetime.date(2026, 11, 27)) == 0
    assert not (out / "decisions" / "gone").exists()
    assert (out / ".git" / "HEAD").read_text(encoding="utf-8") == "ref: refs/heads/gh-pages\n"
    assert (out / "index.html").is_file() and (out / "open-data" / "decisions.json").is_file()
    assert [path.name for path in project.iterdir() if path.name.startswith(".site-old-")] == []


def test_a_build_into_the_project_folder_itself_deletes_nothing(project: Path):
    import datetime

    from generator import build as build_module

    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    assert build_module.build_site(project, out=project, today=datetime.date(2026, 11, 27)) == 1
    assert sorted(path.relative_to(project) for path in project.rglob("*") if ".cache" not in path.parts) == before
    assert build_module._set_aside(project, project, set()) == ([], None)


def test_the_folders_put_back_are_not_scanned_again_unless_mkdocs_wrote_into_them(tmp_path: Path,
                                                                                  monkeypatch):
    # The last build's record pages were scanned when written; a list page mkdocs writes beside
    # them (items/index.html beside items/p/2/) is this build's, and must be.
    from types import SimpleNamespace

    from generator import build

    plan = SimpleNamespace(pure={"items", "items/p", "items/p/2", "decisions/x/1"})
    monkeypatch.setitem(build._writing, tmp_path, SimpleNamespace(plan=plan))
    monkeypatch.setitem(build._mkdocs_folders, tmp_path, {"items", "decisions", "decisions/x"})
    assert build._unscanned(tmp_path) == {"items/p", "items/p/2", "decisions/x/1"}


def parsed_templates(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from their source from now on."""
    import jinja2

    parsed: list[str] = []
    parse = jinja2.Environment._parse

    def spy(self, source, name, filename):
        parsed.append(name)
        return parse(self, source, name, filename)

    monkeypatch.setattr(jinja2.Environment, "_parse", spy)
    return parsed


def test_a_second_build_compiles_no_template_again(cli, project: Path, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    parsed = parsed_templates(monkeypatch)
    assert build(cli, project)[0] == 0
    assert {"main.html", "partials/nav.html", "decision.html.j2", "index.md.j2"} <= set(parsed)  # theme's and ours
    parsed.clear()
    assert build(cli, project)[0] == 0
    assert parsed == []
    assert not (project / ".cache" / "jinja").exists()  # never in the project, where a pull request could put code


def test_a_template_whose_source_changed_is_compiled_again(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    page = templates(tmp_path)
    page.write_text("一：{{ name }}", encoding="utf-8")
    assert rendered(page) == "一：连山"
    page.write_text("二：{{ name }}", encoding="utf-8")
    assert rendered(page) == "二：连山"


def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    return folder / "page.html"


def rendered(page: Path, filters: dict | None = None, **options) -> str:
    """`page` rendered by a new environment, as in a new build, keeping its code where builds do."""
    import jinja2

    from generator.render import bytecode_cache

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(page.parent), bytecode_cache=bytecode_cache(),
                             autoescape=True, **options)
    env.filters.update(filters or {})
    return env.get_template(page.name).render(name="连山")


def test_a_template_compiled_with_other_options_is_compiled_again(monkeypatch, tmp_path: Path):
    # Jinja keys its cache by the template's name, file and source alone: the options are ours to add.
    import jinja2

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    page = templates(tmp_path)
    page.write_text("{% if name %}\n{{ name }}\n{% endif %}\n", encoding="utf-8")
    for _ in range(2):  # each way round, from the code the other left
        assert rendered(page, trim_blocks=True) == "连山\n"
        assert rendered(page) == "\n连山\n"
    page.write_text("{{ name|where }}", encoding="utf-8")
    for _ in range(2):
        assert rendered(page, filters={"where": lambda value: f"{value}县"}) == "连山县"
        assert rendered(page, filters={"where": jinja2.pass_context(lambda context, value: f"{value}·{context.name}")}
                        ) == "连山·page.html"


def test_a_full_disk_leaves_the_templates_compiled_but_not_kept(monkeypatch, tmp_path: Path):
    import jinja2

    def full(self, bucket):
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(jinja2.FileSystemBytecodeCache, "dump_bytecode", full)
    page = templates(tmp_path)
    page.write_text("{{ name }}", encoding="utf-8")
    assert rendered(page) == rendered(page) == "连山"


def test_without_a_cache_folder_templates_are_compiled_as_before(monkeypatch, tmp_path: Path):
    from generator.render import bytecode_cache, environment

    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert bytecode_cache() is None
    assert environment().get_template("paging.html.j2") is not None
