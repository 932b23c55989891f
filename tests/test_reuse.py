"""A record page is kept from the last build only when it would be made the same (reuse.py).

The property: whatever changes in the data, a page whose key did not change is, made again, the
very same page. The bundled sample is changed one file at a time, in memory (a text in it, and a
few changes of structure: a record moved, one removed, a reference pointed elsewhere), and every
record page is made again and compared.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import reuse
from generator.checker import validate
from generator.corpus import Corpus, Document
from generator.pages import Context, Deferred
from generator.render import pages

from .conftest import REPO

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def sample() -> Corpus:
    result = validate(REPO, use_cache=False)
    assert not [p for p in result.problems if p.severity == "error"]
    return result.corpus


def made(corpus: Corpus, today: datetime.date = TODAY) -> dict[str, tuple[str | None, str | None]]:
    """Every record page of `corpus`: URI → (key, the page as made, or None if making it failed)."""
    corpus = _fresh(corpus)
    generated = pages(corpus, today, defer=True)
    basis = reuse.basis(corpus, today=today, site_url="https://example.org/", directory_urls=True, allowed=[])
    assert basis is not None
    keys = reuse.Keys(corpus, Context, basis)
    out: dict[str, tuple[str | None, str | None]] = {}
    for uri, content in generated.items():
        if isinstance(content, Deferred):
            key = keys.key(content.make, content.args, "shell")
            try:
                page = content()
                text: str | None = page.title + "\n" + page.body
            except Exception:  # noqa: BLE001 - data the checks would have refused; compared as "failed"
                text = None
            out[uri] = (key, text)
    return out


def _fresh(corpus: Corpus) -> Corpus:
    """The same documents with the corpus's indexes made again (as a build after the change would)."""
    fresh = Corpus(corpus.root, list(corpus.documents))
    fresh.digests = dict(corpus.digests)
    return fresh


def _values(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of every scalar in `value`."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _values(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, (*path, index))
    else:
        yield path, value


def _at(value: Any, path: tuple) -> tuple[Any, Any]:
    for step in path[:-1]:
        value = value[step]
    return value, path[-1]


_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def changed_values(document: Document, numbers: bool = True) -> Callable[[], None]:
    """Append to every text of `document` written in Chinese (names, titles, facts: what pages
    show; ids and codes stay, so that references still hold) and, with `numbers`, add one to
    every number; the undo."""
    undo = []
    for path, value in list(_values(document.data)):
        if isinstance(value, str) and _CHINESE.search(value):
            changed: Any = value + "※改"
        elif numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            changed = value + 1
        else:
            continue
        parent, last = _at(document.data, path)
        parent[last] = changed
        undo.append(functools.partial(parent.__setitem__, last, value))
    return lambda: [step() for step in reversed(undo)]


def check(corpus: Corpus, before: dict, document: Document, change: Callable[[], Callable[[], None]]) -> int | None:
    """Apply `change` to `document` (its file's hash changes too), make every page again, undo.
    Every page whose key is unchanged must be made the same; the number of pages that changed
    (None if the site could not be made at all)."""
    digest = corpus.digests[document.file]
    undo = change()
    corpus.digests[document.file] = "changed"
    try:
        after = made(corpus)
    except Exception:  # noqa: BLE001 - the site's lists could not be made: data the checks refuse
        return None
    finally:
        undo()
        corpus.digests[document.file] = digest
    differing = 0
    for uri in before.keys() & after.keys():
        (old_key, old_text), (new_key, new_text) = before[uri], after[uri]
        assert old_key is not None, uri  # every record page has a key
        if old_text != new_text:
            differing += 1
            assert old_key != new_key, f"{uri} changed with {document.file} but its key did not"
    return differing


def test_every_record_page_has_a_key(sample: Corpus):
    before = made(sample)
    assert before and all(key is not None for key, _ in before.values())
    families = {uri.split("/")[0] for uri in before}
    assert families == {"decisions", "items", "benchmarks", "agencies", "laws"}


def test_a_page_whose_key_is_unchanged_is_made_the_same_whichever_file_changed(sample: Corpus):
    before = made(sample)
    # Every file but the decisions, and every fifth decision: all its Chinese texts and numbers at
    # once (the texts alone when changed numbers break the site's lists: data the checks refuse).
    documents = [d for d in sample.documents if d.kind != "decision" and any(_values(d.data))]
    documents += [d for d in sample.documents if d.kind == "decision"][::5]
    changing = 0
    for document in documents:
        differing = check(sample, before, document, functools.partial(changed_values, document))
        if differing is None:
            differing = check(sample, before, document, functools.partial(changed_values, document, False))
        changing += (differing or 0) > 0
    print(f"{changing} of {len(documents)} files' texts showed on a page")
    assert changing >= len(documents) * 0.8, (changing, len(documents))


def _decision(sample: Corpus, visible: bool = True) -> Document:
    from generator.render import visible as shown

    site = sample.site.data
    return next(d for d in sample.of("decision") if shown(d.data, TODAY, site) == visible and d.data.get("item"))


def test_changes_of_structure_change_the_keys_of_the_pages_they_show_on(sample: Corpus):
    before = made(sample)
    decision = _decision(sample)
    items = next(d for d in sample.of("items") if len(d.data["items"]) > 2)
    officers = next(d for d in sample.of("personnel") if d.data.get("officers"))
    benchmark = next(d for d in sample.of("benchmark") if len(d.data.get("entries", [])) > 2)
    other_item = next(code for code in sample.items if code != decision.data["item"])

    def swap(values: list, first: int, second: int) -> Callable[[], None]:
        values[first], values[second] = values[second], values[first]
        return functools.partial(swap, values, first, second)

    def removed(values: list, index: int) -> Callable[[], None]:
        value = values.pop(index)
        return lambda: values.insert(index, value)

    def pointed(record: dict, key: str, target: Any) -> Callable[[], None]:
        old = record[key]
        record[key] = target
        return functools.partial(record.__setitem__, key, old)

    cases = [
        (decision, lambda: pointed(decision.data, "item", other_item)),  # the decision moves to another item's page
        (decision, lambda: pointed(decision.data, "decided_on", "2020-01-02")),  # its display period is over
        (items, lambda: swap(items.data["items"], 0, 1)),
        (items, lambda: removed(items.data["items"], 1)),
        (officers, lambda: removed(officers.data["officers"], 0)),
        (benchmark, lambda: swap(benchmark.data["entries"], 0, 2)),
        (benchmark, lambda: removed(benchmark.data["entries"], 1)),
    ]
    for document, change in cases:
        assert (check(sample, before, document, change) or 0) > 0, document.file


def test_the_day_and_the_shell_are_part_of_every_key(sample: Corpus):
    corpus = _fresh(sample)
    generated = [content for content in pages(corpus, TODAY, defer=True).values() if isinstance(content, Deferred)]
    page = generated[0]

    def key(today: datetime.date = TODAY, frame: str = "shell", site_url: str = "/", directory_urls: bool = True,
            allowed: list[str] | None = None) -> str | None:
        basis = reuse.basis(corpus, today=today, site_url=site_url, directory_urls=directory_urls,
                            allowed=allowed or [])
        return reuse.Keys(corpus, Context, basis).key(page.make, page.args, frame)

    assert key() == key()
    others = [key(today=TODAY + datetime.timedelta(days=1)), key(frame="another theme"), key(site_url="/x/"),
              key(directory_urls=False), key(allowed=["某某"])]
    assert key() not in others and len(set(others)) == len(others)


def test_a_maker_that_declares_nothing_or_an_argument_not_understood_gives_no_key(sample: Corpus):
    corpus = _fresh(sample)
    keys = reuse.Keys(corpus, Context, "basis")

    def undeclared(value: Any) -> None: ...

    @reuse.reads("agency")
    def declared(value: Any) -> None: ...

    assert keys.key(undeclared, ("x",), "shell") is None
    assert keys.key(declared, ("x",), "shell") is not None
    assert keys.key(declared, (object(),), "shell") is None
    with pytest.raises(ValueError):
        reuse.reads("decisions")  # not a kind of data file


# --- `portal build` over its last site ------------------------------------------------------------------------

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
KEPT = re.compile(r"(\d+) 个记录页面与上次相同")


def build(cli, project: Path, out: Path, *extra: str) -> tuple[int, int, str]:
    """`portal build` into `out`: (exit code, record pages kept from the last build, stderr)."""
    code, stdout, stderr = cli("build", "--root", str(project), "--out", str(out), "--today", "2026-11-27", *extra)
    found = KEPT.search(stdout)
    return code, int(found.group(1)) if found else 0, stderr


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def record_pages(project: Path) -> int:
    from generator.checker import validate as check

    generated = pages(check(project, use_cache=False).corpus, datetime.date(2026, 11, 27), defer=True)
    return sum(isinstance(content, Deferred) for content in generated.values())


def test_a_rebuild_keeps_the_unchanged_pages_and_writes_the_site_a_fresh_build_would(cli, project: Path):
    site, fresh = project / "site", project.parent / "fresh"
    assert build(cli, project, site)[:2] == (0, 0)
    count = record_pages(project)
    assert build(cli, project, site)[:2] == (0, count)  # nothing changed: every record page kept
    assert build(cli, project, fresh)[:2] == (0, 0)
    assert files(site) == files(fresh)

    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    code, kept, _ = build(cli, project, site)
    # Made again: the decision's page, its item's and its body's (which list it); the rest kept.
    assert (code, kept) == (0, count - 3)
    page = (site / "decisions" / "lsscjgj" / "2024-012" / "index.html").read_text(encoding="utf-8")
    assert "经复核，" in page
    shutil.rmtree(fresh)
    assert build(cli, project, fresh)[:2] == (0, 0)
    assert files(site) == files(fresh)
    assert [p.name for p in project.iterdir() if p.name.startswith((".site-old-", ".site-kept-"))] == []


def test_the_search_index_is_kept_while_what_it_holds_is_unchanged(cli, project: Path):
    site, fresh = project / "site", project.parent / "fresh"
    assert build(cli, project, site)[0] == 0
    first = {path: inode for path, inode in inodes(site / "search").items() if path.endswith(".json")}
    assert len(first) >= 4  # a manifest, text and identifier shards, records
    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert build(cli, project, site)[0] == 0  # the facts are not searched: the same files, taken back
    assert {path: inode for path, inode in inodes(site / "search").items() if path.endswith(".json")} == first

    shard = sorted((site / "search").glob("t-*.json"))[0]  # edited in the site folder: made again
    shard.write_text(shard.read_text(encoding="utf-8").replace("[", "[ ", 1), encoding="utf-8")
    assert build(cli, project, site)[0] == 0
    assert {path: inode for path, inode in inodes(site / "search").items() if path.endswith(".json")} != first
    assert build(cli, project, fresh)[0] == 0
    assert files(site / "search") == files(fresh / "search")

    text = path.read_text(encoding="utf-8")  # the title is searched: the index is made again
    title = re.search(r"^title: (.*)$", text, re.MULTILINE)
    assert title is not None
    path.write_text(text.replace(title.group(0), f"title: {title.group(1)}（复核）", 1), encoding="utf-8")
    before = files(site / "search")
    assert build(cli, project, site)[0] == 0
    shutil.rmtree(fresh)
    assert build(cli, project, fresh)[0] == 0
    assert files(site / "search") == files(fresh / "search") != before



def test_what_the_last_build_scanned_is_not_scanned_again(cli, project: Path, monkeypatch: pytest.MonkeyPatch):
    from generator import pii

    scanned: list[str] = []
    real = pii.scan_page
    monkeypatch.setattr(pii, "scan_page", lambda source, suffix, page, **kwargs:
                        scanned.append(page) or real(source, suffix, page, **kwargs))
    site = project / "site"
    assert build(cli, project, site)[0] == 0
    assert "sitemap.xml" in scanned and any(page.startswith("search/") for page in scanned)

    del scanned[:]
    path = project / DECISION  # the search index and the sitemap stay as they were
    path.write_text(path.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert build(cli, project, site)[0] == 0
    assert "sitemap.xml" not in scanned and [page for page in scanned if page.startswith("search/")] == ["search/index.html"]
    assert "index.html" in scanned  # mkdocs' pages are scanned every time

    del scanned[:]
    second = path.with_name("2024-013.yaml")  # a new page: a new address in the sitemap, a new search entry
    second.write_text(path.read_text(encoding="utf-8").replace("〔2024〕12号", "〔2024〕13号"), encoding="utf-8")
    assert build(cli, project, site)[0] == 0
    assert "sitemap.xml" in scanned and any(page.startswith("search/") for page in scanned)


#: An edit of a file of each kind, and the open data sets it changes: the decisions' (which name
#: their pages, whose addresses any kind may move) after every one.
EDITS = [
    ("data/agencies/lsscjgj/agency.yaml", "鹿鸣路 1 号", "鹿鸣路 2 号", {"agencies", "decisions"}),
    ("data/agencies/lsscjgj/personnel.yaml", "valid_until: 2027-12-31", "valid_until: 2028-12-31",
     {"officers", "decisions"}),
    ("data/agencies/lsscjgj/items.yaml", "name: 对经营超过保质期食品的行政处罚", "name: 对经营超过保质期食品的行政处罚（测试）",
     {"items", "decisions"}),
    ("data/agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml", "细化（测试）", "细化（测试稿）", {"benchmark-entries", "decisions"}),
    ("data/laws/shipin-weisheng-fa.yaml", "last_article: 57", "last_article: 58", {"laws", "decisions"}),
    (DECISION, "facts: ", "facts: 经复核，", {"decisions"}),
]


def test_each_open_data_set_is_kept_while_the_files_it_is_made_from_are_unchanged(cli, project: Path):
    from generator import datapackage
    from generator.schemas import SchemaSet

    site, fresh = project / "site", project.parent / "fresh"
    structure = datapackage.datasets(validate(project, use_cache=False).corpus, SchemaSet(), {}, [], dict, rows=False)
    names = {dataset.name: set(datapackage.dataset_file_names(dataset)) for dataset in structure}
    assert build(cli, project, site)[0] == 0
    for file, old, new, changed in EDITS:
        before = inodes(site / "open-data")
        path = project / file
        text = path.read_text(encoding="utf-8")
        assert old in text, file
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        assert build(cli, project, site)[0] == 0, file
        after = inodes(site / "open-data")
        remade = {name for name in after if after[name] != before.get(name)}
        # The download page and datapackage.json (the files' sizes and hashes) are always written.
        assert remade == set().union(*(names[name] for name in changed)) | {"datapackage.json", "index.html"}, file
        shutil.rmtree(fresh, ignore_errors=True)
        assert build(cli, project, fresh)[0] == 0
        assert files(site / "open-data") == files(fresh / "open-data"), file

    table = site / "open-data" / "laws.csv"  # edited in the site folder: the set is made again
    table.write_bytes(table.read_bytes() + b"\n")
    assert build(cli, project, site)[0] == 0
    assert files(site / "open-data") == files(fresh / "open-data")


def inodes(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and time of last modification: a file written anew may get a freed inode, never
    the same time (a file moved back keeps both)."""
    return {path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file()}


def test_a_page_changed_in_the_site_folder_since_the_last_build_is_made_again(cli, project: Path):
    site = project / "site"
    assert build(cli, project, site)[0] == 0
    before = files(site)
    page = site / "decisions" / "lsscjgj" / "2024-012" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<h1", "<h1 data-x", 1), encoding="utf-8")
    code, kept, _ = build(cli, project, site)
    assert (code, kept) == (0, record_pages(project) - 1)
    assert files(site) == before


def test_files_put_into_the_site_folder_since_the_last_build_are_gone_after_the_next(cli, project: Path):
    # The last build's pages are put back in place, folder by folder (reuse.Graft): whatever else
    # is in those folders now must not be published with them, unscanned.
    site, fresh = project / "site", project.parent / "fresh"
    assert build(cli, project, site)[0] == 0
    body = site / "decisions" / "lsscjgj"
    (body / "2024-012" / "附件.html").write_text("身份证号 11010519491231002X", encoding="utf-8")  # beside a page
    (body / "旧页面.html").write_text("身份证号 11010519491231002X", encoding="utf-8")  # beside a body's pages
    (body / "2099-001").mkdir()  # a page of no record
    (body / "2099-001" / "index.html").write_text("<h1>不存在的决定</h1>", encoding="utf-8")
    (site / "items" / "旧").mkdir()
    code, kept, _ = build(cli, project, site)
    assert (code, kept) == (0, record_pages(project))  # every page kept, nothing else
    assert build(cli, project, fresh)[:2] == (0, 0)
    assert files(site) == files(fresh)
    assert not (site / "items" / "旧").exists()


def test_the_page_of_a_record_gone_since_the_last_build_is_gone_with_its_folder(cli, project: Path):
    # The last build's pages are put back before this build knows which it writes (build.on_files).
    site, fresh = project / "site", project.parent / "fresh"
    assert build(cli, project, site)[0] == 0
    page = site / "decisions" / "lsscjgj" / "2024-012" / "index.html"
    assert page.is_file()
    (project / DECISION).unlink()
    assert build(cli, project, site)[0] == 0
    assert not page.parent.exists() and not page.parent.parent.exists()
    assert build(cli, project, fresh)[0] == 0
    assert files(site) == files(fresh)
    assert sorted(path for path in site.rglob("*") if path.is_dir() and not any(path.iterdir())) == []


def test_a_page_made_again_is_a_new_file_and_a_hard_link_to_the_last_one_keeps_it(cli, project: Path):
    # A province's site links to its counties' files (province.py): a rebuild must not write into them.
    site, links = project / "site", project.parent / "links"
    assert build(cli, project, site)[0] == 0
    links.mkdir()
    linked = dict.fromkeys(["decisions/lsscjgj/2024-012/index.html", "items/441825-SCJG-CF-0001/index.html",
                            "decisions/index.html", "items/index.html"], "")  # made again: two record pages, two lists
    for number, path in enumerate(linked):
        os.link(site / path, links / f"{number}.html")
        linked[path] = (site / path).read_text(encoding="utf-8")
    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert build(cli, project, site)[:2] == (0, record_pages(project) - 3)
    assert "经复核，" in (site / "decisions/lsscjgj/2024-012/index.html").read_text(encoding="utf-8")
    for number, (path, before) in enumerate(linked.items()):
        assert (links / f"{number}.html").read_text(encoding="utf-8") == before, path


def test_a_page_made_over_a_file_already_put_back_is_written_as_a_new_file(cli, project: Path,
                                                                           monkeypatch: pytest.MonkeyPatch):
    # As when a folder was put back but then could not be kept (reuse.Graft.run): its pages are made
    # again over the files in the site, which must be replaced, not written into.
    site, links = project / "site", project.parent / "links"
    assert build(cli, project, site)[0] == 0
    links.mkdir()
    page = site / "decisions/lsscjgj/2024-012/index.html"
    before = page.read_text(encoding="utf-8")
    run = reuse.Graft.run

    def put_back_but_keep_nothing(graft: reuse.Graft, tops: Any) -> reuse.Graft:
        run(graft, tops)
        os.link(page, links / "page.html")
        graft.kept, graft.pure = {}, set()
        return graft

    monkeypatch.setattr(reuse.Graft, "run", put_back_but_keep_nothing)
    assert build(cli, project, site)[:2] == (0, 0)
    assert page.read_text(encoding="utf-8") == before
    assert page.stat().st_ino != (links / "page.html").stat().st_ino


def test_no_record_page_shares_a_top_folder_with_the_search_index_or_the_open_data(sample: Corpus):
    # The search index's and the open data's files are taken back file by file while the record
    # pages' folders are put back whole (reuse.Graft): a folder holding both would be moved under them.
    from generator.datapackage import FOLDER as OPEN_DATA
    from generator.pages.search import FOLDER as SEARCH
    from generator.shell import dest

    generated = pages(sample, TODAY, defer=True)
    tops = {dest(uri, True).split("/", 1)[0] for uri, content in generated.items() if isinstance(content, Deferred)}
    assert tops and not tops & {SEARCH.strip("/"), OPEN_DATA.strip("/")}


# --- putting the last build's pages back (reuse.Graft) ----------------------------------------------


def tree(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*")) if path.is_file()}


def last_build(old: Path, pages: dict[str, str]) -> dict[str, Any]:
    """The last build's files under `old`, and the signature of each (as its record has them)."""
    from generator.cache import signature

    for path, text in pages.items():
        (old / path).parent.mkdir(parents=True, exist_ok=True)
        (old / path).write_text(text, encoding="utf-8")
    return {path: signature((old / path).stat()) for path in pages}


def test_a_folder_the_new_site_lacks_goes_back_whole_holding_only_the_pages_kept(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    new.mkdir()
    signatures = last_build(old, {"items/a/index.html": "甲", "items/b/index.html": "乙", "items/c/index.html": "丙",
                                  "items/index.html": "旧列表", "items/a/junk.txt": "x"})
    inode = (old / "items/a/index.html").stat().st_ino
    (old / "items/c/index.html").write_text("改过", encoding="utf-8")  # changed since: not kept
    expected = {path: signatures[path] for path in ("items/a/index.html", "items/b/index.html", "items/c/index.html")}
    graft = reuse.Graft(str(old), str(new), expected).run(["items"])
    assert tree(new) == {"items/a/index.html": "甲", "items/b/index.html": "乙"}
    assert set(graft.kept) == {"items/a/index.html", "items/b/index.html"}
    assert (new / "items/a/index.html").stat().st_ino == inode  # moved, not copied
    assert graft.pure == {"items", "items/a", "items/b"}


def test_into_a_folder_the_new_site_has_the_fewer_entries_are_moved(tmp_path: Path):
    old, new = tmp_path / "old", tmp_path / "new"
    pages = {f"decisions/x/{number}/index.html": str(number) for number in range(6)}
    signatures = last_build(old, {**pages, "decisions/x/index.html": "旧列表", "decisions/index.html": "旧",
                                  "decisions/x/p/2/index.html": "旧第二页"})
    written = {"decisions/index.html": "新", "decisions/x/index.html": "新列表", "decisions/x/p/2/index.html": "新第二页",
               "decisions/y/index.html": "新的机关"}
    last_build(new, written)  # what mkdocs has written so far
    graft = reuse.Graft(str(old), str(new), {path: signatures[path] for path in pages}).run(["decisions"])
    assert tree(new) == {**pages, **written}
    assert set(graft.kept) == set(pages)
    assert "decisions/x" not in graft.pure and "decisions/x/0" in graft.pure
    assert not (old / "decisions" / "x").exists()  # moved whole, the new entries into it


def test_a_folder_that_cannot_be_moved_leaves_its_pages_to_be_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    old, new = tmp_path / "old", tmp_path / "new"
    pages = {f"decisions/x/{number}/index.html": str(number) for number in range(4)}
    signatures = last_build(old, pages)
    last_build(new, {"decisions/x/index.html": "新列表"})
    rename = os.rename

    def failing(source: Any, target: Any) -> None:
        if str(target) == str(new / "decisions" / "x"):
            raise PermissionError(13, "Permission denied")
        rename(source, target)

    monkeypatch.setattr(os, "rename", failing)
    graft = reuse.Graft(str(old), str(new), signatures).run(["decisions"])
    assert graft.kept == {} and graft.pure == set()
    assert tree(new) == {"decisions/x/index.html": "新列表"}  # what mkdocs wrote is where it wrote it


def test_a_record_of_written_pages_not_signed_by_this_user_is_not_trusted(cli, project: Path, monkeypatch):
    from generator import cache

    site = project / "site"
    assert build(cli, project, site)[0] == 0
    record = next((project / ".cache" / "portal").glob("pages-*.marshal"))
    data = record.read_bytes()
    assert build(cli, project, site)[1] > 0  # signed by this user: trusted
    record.write_bytes(bytes(32) + data[32:])  # e.g. committed to the repository by someone else
    assert build(cli, project, site)[:2] == (0, 0)
    monkeypatch.setattr(cache, "_secret", lambda: None)  # nowhere to keep a key: nothing recorded or kept
    assert build(cli, project, site)[:2] == (0, 0)
    assert build(cli, project, site)[:2] == (0, 0)


def test_after_a_build_that_published_nothing_every_page_is_made_again(cli, project: Path):
    site = project / "site"
    assert build(cli, project, site)[0] == 0
    notice = project / "docs" / "notice.md"
    notice.write_text("# 公告\n\n联系人身份证号 11010519491231002X\n", encoding="utf-8")
    code, _, stderr = build(cli, project, site)
    assert code == 1 and "网站未发布" in stderr
    notice.unlink()
    assert build(cli, project, site)[:2] == (0, 0)
    assert build(cli, project, site)[1] > 0


def test_without_the_cache_no_page_is_kept_and_none_is_recorded(cli, project: Path):
    site = project / "site"
    assert build(cli, project, site, "--no-cache")[:2] == (0, 0)
    assert build(cli, project, site, "--no-cache")[:2] == (0, 0)
    assert not list((project / ".cache").glob("portal/pages-*.marshal"))


def test_what_a_stopped_build_left_beside_the_site_is_deleted_by_the_next(cli, project: Path):
    site = project / "site"
    assert build(cli, project, site)[0] == 0
    left = project / ".site-kept-stopped"  # a build killed while it took pages back
    (left / "decisions").mkdir(parents=True)
    (left / "decisions" / "index.html").write_text("上次的页面", encoding="utf-8")
    assert build(cli, project, site)[0] == 0
    assert not left.exists()


def test_a_page_kept_keeps_the_site_folder_it_was_written_for(cli, project: Path):
    first, second = project / "site", project / "other"
    assert build(cli, project, first)[0] == 0
    assert build(cli, project, second)[:2] == (0, 0)  # another folder: its own record
    assert build(cli, project, first)[1] > 0 and build(cli, project, second)[1] > 0


def test_a_rebuild_inside_a_clean_checkout_names_it_clean_and_keeps_every_page(cli, project: Path):
    # The last site's folders, moved beside it while the new one is built, are not uncommitted
    # changes: the footer (part of every page's shell, so of its key) must not say so.
    from .gitrepo import commit, git

    (project / ".gitignore").write_text("/site/\n.cache/\n", encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    head = commit(project, "基准版本")
    site = project / "site"
    assert build(cli, project, site)[0] == 0
    assert build(cli, project, site)[:2] == (0, record_pages(project))
    assert f"（提交 {head[:12]}）" in (site / "index.html").read_text(encoding="utf-8")


def test_an_edit_and_its_commit_keep_the_unchanged_pages_with_the_new_release_line(cli, project: Path):
    # The footer names the commit and whether the tree has uncommitted changes: every edit and every
    # commit changes it. It is not part of the pages' keys: kept pages get the new line written in.
    from .gitrepo import commit, git

    (project / ".gitignore").write_text("/site/\n/fresh/\n.cache/\n", encoding="utf-8")
    git(project, "init", "--quiet", "--initial-branch=main")
    commit(project, "基准版本")
    site, fresh, count = project / "site", project / "fresh", record_pages(project)
    assert build(cli, project, site)[:2] == (0, 0)

    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert build(cli, project, site)[:2] == (0, count - 3)  # the decision's, its item's and its body's made
    kept = site / "items" / "index.html"  # a list page: mkdocs', made every time
    assert "含未提交的修改" in kept.read_text(encoding="utf-8")
    assert build(cli, project, fresh)[:2] == (0, 0)
    assert files(site) == files(fresh)

    head = commit(project, "复核决定")
    assert build(cli, project, site)[:2] == (0, count)  # nothing but the release line changed
    pages = [page for page in site.rglob("index.html") if "decisions/lsscjgj/" in page.as_posix()]
    assert pages and all(f"（提交 {head[:12]}）" in page.read_text(encoding="utf-8") for page in pages)
    shutil.rmtree(fresh)
    assert build(cli, project, fresh)[:2] == (0, 0)
    assert files(site) == files(fresh)


def test_portal_serve_keeps_the_unchanged_pages_between_its_builds(project: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch):
    # As `portal serve` builds: mkdocs' serve command (on_startup), a temporary site folder, a build
    # after each edit with a new config. Its record of the pages is in memory, for the session.
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    from generator import build as hooks

    monkeypatch.setattr(hooks, "_command", [])
    monkeypatch.setattr(hooks, "_served", {})
    monkeypatch.setenv(hooks.TODAY_ENV, "2026-11-27")
    site = tmp_path / "mkdocs_serve"
    site.mkdir()

    def served() -> dict[str, int]:
        config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), hooks=[str(hooks.HOOK)])
        config.plugins.on_startup(command="serve", dirty=False)
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        return inodes(site)

    first = served()
    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    second = served()
    page = "decisions/lsscjgj/2024-012/index.html"
    assert "经复核，" in (site / page).read_text(encoding="utf-8")
    assert second[page] != first[page]  # made again
    # The other record pages are the same files, moved back (mkdocs' own pages are written anew).
    kept = [path for path in second if path.endswith(".html") and first.get(path) == second[path]]
    assert len(kept) == record_pages(project) - 3  # the decision's, its item's and its body's made
    assert build_fresh_equals(project, site)
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site), hooks=[str(hooks.HOOK)])
    config.plugins.on_shutdown()  # as serve ends: the last site's files are deleted by then


def build_fresh_equals(project: Path, site: Path) -> bool:
    """Whether `portal build` into a new folder writes what is in `site` (but the sitemap's served
    address and what only the preview has)."""
    from .conftest import run_cli

    fresh = project.parent / "fresh-for-serve"
    assert run_cli("build", "--root", str(project), "--out", str(fresh), "--today", "2026-11-27")[0] == 0
    record = [path for path in files(fresh) if path.startswith(("decisions/", "items/")) and path.endswith(".html")]
    return all((site / path).read_bytes() == (fresh / path).read_bytes() for path in record)


# --- values made from one record each, kept between builds (reuse.Memo) ------------------------------


def test_a_memo_gives_back_only_what_was_kept_under_the_same_context(tmp_path: Path):
    prefix = tmp_path / "memo"
    with reuse.Memo(prefix).section("lines", "上下文甲") as section:
        assert section.get("a.yaml\0111", lambda: "行甲") == "行甲"
        assert section.get("b.yaml\0222", lambda: "行乙") == "行乙"

    made: list[str] = []
    with reuse.Memo(prefix).section("lines", "上下文甲") as section:
        assert section.get("a.yaml\0111", lambda: made.append("a") or "新") == "行甲"  # kept
        assert section.get("a.yaml\0999", lambda: made.append("a2") or "改过的行") == "改过的行"  # the file changed
        with reuse.Memo(prefix).section("lines", "上下文乙") as other:  # another context: nothing kept
            assert other.get("a.yaml\0111", lambda: "重做") == "重做"
    assert made == ["a2"]
    with reuse.Memo(prefix).section("lines", "上下文甲") as section:
        assert section.get("b.yaml\0222", lambda: "不再保留") == "不再保留"  # not used by the last build: dropped


def test_a_memo_not_signed_by_this_user_is_not_read(tmp_path: Path):
    prefix = tmp_path / "memo"
    with reuse.Memo(prefix).section("lines", "c") as section:
        section.get("t", lambda: "真的")
    path = tmp_path / "memo-lines.marshal"
    data = path.read_bytes()
    path.write_bytes(bytes(32) + data[32:])
    with reuse.Memo(prefix).section("lines", "c") as section:
        assert section.get("t", lambda: "重做") == "重做"
    path.write_bytes(data[:40])  # cut short
    with reuse.Memo(prefix).section("lines", "c") as section:
        assert section.get("t", lambda: "重做") == "重做"


def test_a_memo_section_holding_what_the_build_used_is_not_written_again(tmp_path: Path):
    prefix, path = tmp_path / "memo", tmp_path / "memo-lines.marshal"
    with reuse.Memo(prefix).section("lines", "c") as section:
        section.get("t", lambda: "行")
    before = path.stat().st_mtime_ns, path.stat().st_ino
    with reuse.Memo(prefix).section("lines", "c") as section:
        section.get("t", lambda: "行")
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before
    with pytest.raises(RuntimeError), reuse.Memo(prefix).section("lines", "c") as section:
        section.get("u", lambda: "新行")
        raise RuntimeError("构建中断")
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before  # a section left half-way is not kept


def test_a_memo_keeps_one_value_for_the_next_build_under_its_context(tmp_path: Path):
    prefix, path = tmp_path / "memo", tmp_path / "memo-counts.marshal"
    reuse.Memo(prefix).keep("counts", "键", (3, [1, 2]))
    assert reuse.Memo(prefix).value("counts", "键") == (3, [1, 2])
    assert reuse.Memo(prefix).value("counts", "别的键") is None and reuse.Memo(prefix).value("other", "键") is None
    before = path.stat().st_mtime_ns, path.stat().st_ino
    reuse.Memo(prefix).keep("counts", "键", (3, [1, 2]))
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == before  # the same: not written again
    served = reuse.Memo()  # `portal serve`: in memory, from one build to the next
    served.keep("counts", "键", (4, []))
    assert served.value("counts", "键") is None and served.following().value("counts", "键") == (4, [])


def test_the_list_file_and_search_index_made_from_kept_values_are_those_made_afresh(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Each line of decisions/list.json, and what each decision gives the search index, is kept by
    # its decision's file and the bodies' names; items/list.json and the records citing each law's
    # articles while the items and bodies (and benchmarks and laws) are unchanged; the address and
    # content hash each decision has in the open data, by its file.
    from generator.pages import paging

    monkeypatch.setattr(paging, "PAGE_ROWS", 7)  # several pages: the list has a file of rows
    root = tmp_path / "real"
    shutil.copytree(REPO / "data", root / "data")
    day, memo_path = datetime.date(2026, 11, 27), tmp_path / "memo"

    def list_file(memo: reuse.Memo | None) -> str:
        corpus = validate(root, use_cache=False).corpus
        made = pages(corpus, day, memo=memo, basis="基础" if memo else None)
        index = "".join(text for uri, text in sorted(made.items()) if uri.startswith("search/") and uri.endswith(".json"))
        laws = "".join(content.body for uri, content in sorted(made.items()) if uri.startswith("laws/")
                       and hasattr(content, "body"))
        return made["decisions/list.json"] + made["items/list.json"] + index + laws + made["open-data/decisions.json"]

    first = list_file(reuse.Memo(memo_path))
    def title_of(path: Path) -> re.Match | None:
        return re.search(r"^title: (.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)

    decision = next(path for path in sorted((root / "data" / "agencies" / "lsscjgj" / "decisions").glob("*/*.yaml"))
                    if (found := title_of(path)) and f'"{found.group(1)}"' in first)  # one on display
    text, title = decision.read_text(encoding="utf-8"), title_of(decision)
    assert title is not None
    decision.write_text(text.replace(title.group(0), f"title: {title.group(1)}（复核）", 1), encoding="utf-8")
    body = root / "data" / "agencies" / "jitian" / "agency.yaml"
    body.write_text(body.read_text(encoding="utf-8").replace("short_name: 吉田镇政府", "short_name: 吉田镇人民政府"),
                    encoding="utf-8")
    kept = list_file(reuse.Memo(memo_path))
    assert kept == list_file(None) != first
    assert "（复核）" in kept and "吉田镇人民政府" in kept
    items = root / "data" / "agencies" / "lsscjgj" / "items.yaml"
    text = items.read_text(encoding="utf-8")
    name = re.search(r"^    name: (.*)$", text, re.MULTILINE)
    assert name is not None
    items.write_text(text.replace(name.group(0), f"    name: {name.group(1)}（试行）", 1), encoding="utf-8")
    kept = list_file(reuse.Memo(memo_path))
    assert kept == list_file(None) and "（试行）" in kept


def test_a_whole_value_is_kept_while_the_files_of_its_kinds_are_unchanged(tmp_path: Path):
    from generator.pages import context
    from generator.render import environment

    root = tmp_path / "real"
    shutil.copytree(REPO / "data", root / "data")
    made: list[str] = []

    def whole() -> dict[str, str]:
        ctx = context(validate(root, use_cache=False).corpus, TODAY, environment())
        ctx.memo, ctx.basis = reuse.Memo(tmp_path / "memo"), "基础"
        return ctx.whole("uris", ("benchmark",), lambda: made.append("made") or {"条目": f"第 {len(made)} 次"})

    assert whole() == whole() == {"条目": "第 1 次"}
    decision = next((root / "data" / "agencies" / "lsscjgj" / "decisions").glob("*/*.yaml"))
    decision.write_text(decision.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert whole() == {"条目": "第 1 次"}  # not a file of its kinds
    document = next((root / "data" / "agencies" / "lsscjgj" / "benchmarks").glob("*.yaml"))
    document.write_text(document.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert whole() == {"条目": "第 2 次"}


def test_the_search_index_digest_is_that_of_the_documents_however_their_strings_were_made():
    # A rebuild's documents come partly from the memo (marshal.loads) and partly afresh: equal
    # documents must give the digest the last build's index files are recorded under.
    import marshal
    import sys

    from generator.pages.search import IndexFiles
    from generator.search_index import Doc

    def made() -> str:  # a new string each time, as a page's text is
        return "".join(["连山", "某某公司"])

    title = made()  # one string, shared
    docs = [Doc("d", "decisions/a/1/", title, (sys.intern("行政处罚"),), (title, title), ("罚〔2025〕1号",), 3)]
    fields = ("decisions/a/1/", made(), ("".join(["行政", "处罚"]),), (made(), made()), ("罚〔2025〕1号",))
    loaded = [Doc("d", *marshal.loads(marshal.dumps(fields)), group=3)]  # noqa: S302 - made just above
    assert IndexFiles(docs).digest() == IndexFiles(loaded).digest()
    assert IndexFiles(docs).digest() != IndexFiles([Doc("d", "decisions/a/1/", title, group=4)]).digest()


def test_the_record_of_written_pages_is_read_back_once_and_only_as_this_build_wrote_it(tmp_path: Path):
    import marshal

    from generator import cache

    site = tmp_path / "site"
    pages = [("decisions/a/index.html", "键甲", (120, 1, 2, 3)), ("items/b/index.html", "键乙", (80, 4, 5, 6))]
    manifest = reuse.Manifest(tmp_path, site)
    manifest.save("基础", pages, "v2026.11")
    assert manifest.take() == ("基础", {path: (key, sig) for path, key, sig in pages}, "v2026.11")
    assert manifest.take() == ("", {}, "")  # taken: the site folder is about to change

    def taken_after(data: bytes) -> tuple:
        manifest.path.write_bytes(cache._mac(manifest.key, data) + data)  # signed by this user
        return manifest.take()

    assert taken_after(marshal.dumps((reuse.FORMAT - 1, str(site), "基础", {}, ""))) == ("", {}, "")  # older layout
    assert taken_after(marshal.dumps((reuse.FORMAT, str(tmp_path / "other"), "基础", {}, ""))) == ("", {}, "")
    assert taken_after(marshal.dumps([reuse.FORMAT, str(site), "基础", {}, ""])) == ("", {}, "")
    assert taken_after(marshal.dumps((reuse.FORMAT, str(site), "基础", [], ""))) == ("", {}, "")
    assert taken_after(b"\xff\x00") == ("", {}, "")  # not marshal at all
    manifest.save("基础", pages)
    manifest.path.write_bytes(manifest.path.read_bytes()[:60])  # cut short
    assert manifest.take() == ("", {}, "")

    # The record as JSON, which builds kept before it was marshal, is never read, and taking the record removes it.
    legacy = manifest.path.with_suffix(".json")
    legacy.write_text('{"pages": {}}', encoding="utf-8")
    manifest.save("基础", pages)
    assert legacy.exists()
    assert manifest.take()[0] == "基础"
    assert not legacy.exists()
