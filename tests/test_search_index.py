"""The search index (generator/search_index.py): keys, shards, lookups, what is indexed, and its size.

`Reader` runs queries the way assets/search.js does; the last tests run the script itself in Node
on the sample site's index and compare its answers with `Reader`'s. Browser tests cover the page.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator import search_index
from generator.checker import validate
from generator.render import TEMPLATES, pages
from generator.search_index import Doc, Reader, build, normalize_id, text_keys

from .conftest import REPO

DAY = datetime.date(2026, 11, 27)
NODE = shutil.which("node") or shutil.which("nodejs")
#: .ci/run installs Node.js (with npm); there a missing one is a failure, never a skip.
IN_CI = os.environ.get("CI") == "true"


def index_of(files: dict[str, str]) -> dict[str, str]:
    """The search files of a page set, by their path under search/."""
    return {uri.removeprefix("search/"): text for uri, text in files.items()
            if uri.startswith("search/") and uri.endswith(".json")}


def titles(result: search_index.Result) -> list[str]:
    return [doc["t"] for doc in result.docs]


def search(files: dict[str, str], query: str) -> search_index.Result:
    return Reader.of(files).search(query)


# Keys

def test_a_chinese_run_gives_its_bigrams_and_last_character_and_a_latin_run_one_word():
    assert text_keys("超标排放 SC12") == {"超标", "标排", "排放", "放", "sc12"}
    assert text_keys("罚") == {"罚"}


def test_identifiers_are_matched_whatever_their_brackets_width_case_and_spaces():
    expected = "连山市监罚〔2024〕9号"
    for typed in ("连山市监罚〔2024〕9号", "连山市监罚[2024]9号", "连山市监罚（２０２４）9号", "连山市监罚 【2024】 9号"):
        assert normalize_id(typed) == expected, typed
    assert normalize_id("91441825MA4W2G6Y8W") == normalize_id("９１４４１８２５ma4w2g6y8w")


# Lookups on a small index

DOCS = [
    Doc("i", "items/a/", "对销售超过保质期食品的行政处罚", ("441825-SCJG-CF-0001",), ("对销售超过保质期食品的行政处罚",),
        ("441825-SCJG-CF-0001",)),
    Doc("d", "decisions/x/1/", "关于湘聚缘餐馆超标排放油烟的行政处罚决定", ("连山综执罚〔2024〕5号", "当事人：湘聚缘餐馆"),
        ("关于湘聚缘餐馆超标排放油烟的行政处罚决定", "湘聚缘餐馆"), ("连山综执罚〔2024〕5号", "92441825MAC6KPB79G")),
    Doc("d", "decisions/x/2/", "关于排放超标的决定", ("连山综执罚〔2024〕15号",), ("关于排放超标的决定", "标排放"),
        ("连山综执罚〔2024〕15号", "92441825MAC6KPB80X")),
    Doc("l", "laws/food/", "中华人民共和国食品安全法", ("法律",), ("中华人民共和国食品安全法", "食安法")),
]


@pytest.fixture(scope="module")
def small() -> dict[str, str]:
    return build(DOCS)


def test_a_word_from_the_middle_of_a_name_or_title_is_found(small: dict[str, str]):
    assert titles(search(small, "保质期")) == ["对销售超过保质期食品的行政处罚"]
    assert titles(search(small, "超标排放")) == ["关于湘聚缘餐馆超标排放油烟的行政处罚决定"]
    assert titles(search(small, "食品")) == ["对销售超过保质期食品的行政处罚", "中华人民共和国食品安全法"]  # in index order


def test_a_record_holding_every_bigram_but_not_the_words_in_a_row_is_not_found(small: dict[str, str]):
    # decisions/x/2/ holds 超标, 标排 and 排放 (in 排放超标 and 标排放), never 超标排放
    assert [doc["u"] for doc in search(small, "超标排放").docs] == ["decisions/x/1/"]


def test_a_searched_text_that_is_not_shown_is_still_found(small: dict[str, str]):
    assert titles(search(small, "食安法")) == ["中华人民共和国食品安全法"]


def test_a_doc_number_is_found_exactly_first_then_by_prefix(small: dict[str, str]):
    assert [doc["u"] for doc in search(small, "连山综执罚〔2024〕5号").docs] == ["decisions/x/1/"]
    assert [doc["u"] for doc in search(small, "连山综执罚[2024]").docs] == ["decisions/x/1/", "decisions/x/2/"]
    assert search(small, "连山综执罚〔2024〕1").total == 1  # 15号 by prefix (5号 is not 1…)


def test_a_credit_code_is_found_exactly_and_by_prefix_in_any_case(small: dict[str, str]):
    assert [doc["u"] for doc in search(small, "92441825mac6kpb79g").docs] == ["decisions/x/1/"]
    assert [doc["u"] for doc in search(small, "92441825MAC6KPB").docs] == ["decisions/x/1/", "decisions/x/2/"]
    assert search(small, "924").docs == []  # too short to be a prefix of anything


def test_a_party_name_prefix_is_found(small: dict[str, str]):
    assert [doc["u"] for doc in search(small, "湘聚缘").docs] == ["decisions/x/1/"]


def test_nothing_is_found_for_text_no_record_holds(small: dict[str, str]):
    result = search(small, "不存在的名称")
    assert (result.docs, result.total, result.partial) == ([], 0, False)
    assert search(small, "  ").docs == []


# Shards

def many_docs(count: int) -> list[Doc]:
    return [Doc("d", f"decisions/x/{n}/", f"关于第{n}号商店的决定", (f"连山综执罚〔2024〕{n}号",),
                (f"关于第{n}号商店的决定",), (f"连山综执罚〔2024〕{n}号", f"9244182500{n:08d}")) for n in range(count)]


def shard_files(files: dict[str, str], index: str) -> list[str]:
    return [name for _, name in json.loads(files["manifest.json"])[index]]


def test_shards_are_cut_in_key_order_and_a_lookup_reads_only_the_manifest_one_shard_and_the_records(
        monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(search_index, "SHARD_MIN", 600)
    monkeypatch.setattr(search_index, "SHARD_MAX", 1200)
    files = build(many_docs(300))
    manifest = json.loads(files["manifest.json"])
    assert len(manifest["ids"]) > 10 and len(manifest["text"]) > 1
    for index in ("ids", "text"):
        keys = [key for name in shard_files(files, index) for key, _ in json.loads(files[name])]
        assert keys == sorted(keys, key=search_index.sort_key) and len(set(keys)) == len(keys)
        # each shard's name in the manifest sorts after the previous shard's keys and at or before its own
        for (separator, name), (_, previous) in zip(manifest[index][1:], manifest[index], strict=False):
            assert json.loads(files[previous])[-1][0] < separator <= json.loads(files[name])[0][0]
    assert all(len(files[name].encode()) <= 1200 + 200 for name in shard_files(files, "ids"))
    result = search(files, "连山综执罚〔2024〕123号")
    assert [doc["u"] for doc in result.docs] == ["decisions/x/123/"]
    assert sorted(result.fetched) == sorted(["manifest.json", "d/7.json", *[
        name for name in shard_files(files, "ids") if name in result.fetched]])
    assert len([name for name in result.fetched if name.startswith("i-")]) == 1


def test_a_prefix_spanning_shards_reads_at_most_two_and_says_so(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(search_index, "SHARD_MIN", 600)
    monkeypatch.setattr(search_index, "SHARD_MAX", 1200)
    files = build(many_docs(300))
    result = search(files, "连山综执罚〔2024〕")
    assert result.partial and 0 < result.total < 300
    assert len([name for name in result.fetched if name.startswith("i-")]) == search_index.PREFIX_SHARDS
    assert not search(files, "连山综执罚〔2024〕29").partial  # 29, 290…299: one shard or two


def test_a_common_key_is_cut_and_listed_and_a_query_of_common_keys_only_is_partial(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(search_index, "MAX_POSTINGS", 50)
    files = build(many_docs(300))
    manifest = json.loads(files["manifest.json"])
    assert {"商店", "决定", "关于"} <= set(manifest["common"]) and manifest["common"]["商店"] == 300
    common = search(files, "商店的决定")
    assert common.partial and common.total == 50 and len(common.docs) == search_index.PAGE
    rare = search(files, "第123号商店")  # 第1, 12, 23, 3号 are rarer: the answer is whole
    assert not rare.partial and [doc["u"] for doc in rare.docs] == ["decisions/x/123/"]


# Numbers: in the order results show, with room to spare

def test_records_without_a_group_come_first_and_each_group_has_a_block_of_its_own():
    docs = [Doc("i", f"i/{n}/", "事项") for n in range(20)]
    docs += [Doc("d", f"d/{n}/", "决定", group=g) for g, n in [(3, 0), (3, 1), (5, 2), (40, 3), (40, 4), (40, 5)]]
    # start: 32, the power of two at or above 20; span: 16 (CHUNK), at or above the largest group (3)
    assert search_index.numbers(docs) == [*range(20), 32 + 3 * 16, 32 + 3 * 16 + 1, 32 + 5 * 16, *range(32 + 640, 675)]
    files = build(docs)
    assert sorted(name for name in files if name.startswith("d/")) == ["d/0.json", "d/1.json", "d/42.json",
                                                                       "d/5.json", "d/7.json"]
    assert [record["u"] for record in json.loads(files["d/42.json"])] == ["d/3/", "d/4/", "d/5/"]
    assert Reader.of(files).doc(674)["u"] == "d/5/"


@pytest.mark.parametrize(("groups", "message"), [
    pytest.param([1, None], "d/1/: a record without a group after grouped ones", id="ungrouped-after-grouped"),
    pytest.param([2, 1], "d/1/: group 1 after group 2", id="descending"),
    pytest.param([-1], "d/0/: group -1 after group None", id="negative"),
])
def test_groups_out_of_order_are_refused(groups: list[int | None], message: str):
    docs = [Doc("d", f"d/{n}/", "决定", group=group) for n, group in enumerate(groups)]
    with pytest.raises(ValueError, match=re.escape(message)):
        search_index.numbers(docs)


def dated_docs(items: int, days: int, per_day: int) -> list[Doc]:
    """Items, then decisions grouped by day (40 a day), as pages/search.py gives them."""
    docs = [Doc("i", f"items/{n}/", f"对第{n}号事项的行政处罚", (f"441825-X-{n:05d}",), (f"对第{n}号事项的行政处罚",),
                (f"441825-X-{n:05d}",)) for n in range(items)]
    for day in range(days):
        for n in range(per_day):
            title = f"关于{day}号街第{n}号商店销售过期食品的决定"
            docs.append(Doc("d", f"decisions/{day}-{n}/", title, (f"连山市监罚〔2024〕{day * 100 + n}号",), (title,),
                            (f"连山市监罚〔2024〕{day * 100 + n}号",), group=100 + day))
    return docs


@pytest.mark.parametrize("day", [0, 70], ids=["newest-day", "an-older-day"])
def test_adding_a_decision_at_the_end_of_its_day_changes_only_a_few_index_files(day: int):
    docs = dated_docs(2000, 150, 40)
    before = build(docs)
    at = 2000 + (day + 1) * 40  # after the day's last decision: published after them
    title = "关于新开张的小卖部未取得许可从事经营的决定"
    new = Doc("d", "decisions/new/", title, ("连山市监罚〔2024〕99999号",), (title,), ("连山市监罚〔2024〕99999号",),
              group=100 + day)
    after = build([*docs[:at], new, *docs[at:]])
    changed = sorted(name for name in after if before.get(name) != after[name])
    keys = text_keys(title) | {normalize_id(new.ids[0])}
    assert len(before) > 500
    assert [name for name in changed if name.startswith("d/")] == [f"d/{(2048 + (100 + day) * 64 + 40) // 16}.json"]
    assert "manifest.json" in changed
    # the shards holding the new record's keys: renamed (content-addressed), the others untouched
    assert len([name for name in changed if name[:2] in ("t-", "i-")]) <= len(keys)
    assert len(set(before) - set(after)) <= len(keys) and len(changed) <= len(keys) + 2
    # and results still show newest first
    assert [d["u"] for d in search(after, "过期食品").docs][:3] == ["decisions/0-0/", "decisions/0-1/", "decisions/0-2/"]
    assert search(after, "小卖部").docs[0]["u"] == "decisions/new/"


def test_a_decision_added_to_the_sample_renumbers_no_other_record(project: Path):
    def numbered(files: dict[str, str]) -> dict[str, int]:
        return {record["u"]: int(name[2:-5]) * search_index.CHUNK + index for name, text in files.items()
                if name.startswith("d/") for index, record in enumerate(json.loads(text))}

    before = numbered(index_of(pages(validate(project).corpus, DAY)))
    folder = project / "data/agencies/lsscjgj/decisions/2024"
    text = (folder / "2024-012.yaml").read_text(encoding="utf-8")
    (folder / "2024-013.yaml").write_text(
        text.replace("12号", "13号").replace("published_on: 2024-04-15", "published_on: 2024-04-16")
        .replace("禾丰食品", "稻香食品").replace("MA4W2G6Y8W", "MA4W2G6Y9X"), encoding="utf-8")
    corpus = validate(project)
    assert [p for p in corpus.problems if p.severity == "error"] == []
    after = numbered(index_of(pages(corpus.corpus, DAY)))
    assert len(after) == len(before) + 1
    assert {url: after[url] for url in before} == before
    new = next(url for url in after if url not in before)
    assert after[new] == max(after.values())  # the same day, published later: after the other


def test_keys_beyond_the_basic_plane_sort_as_javascript_sorts_them():
    files = build([Doc("d", "d/1/", "𠮷野家", (), ("𠮷野家",)), Doc("d", "d/2/", "豐野家", (), ("豐野家",))])
    keys = [key for name in shard_files(files, "text") for key, _ in json.loads(files[name])]
    assert keys.index("豐野") < keys.index("𠮷野")  # U+8C50 before the surrogate pair D842 DFB7
    assert titles(search(files, "𠮷野")) == ["𠮷野家"]


# What the sample site indexes

@pytest.fixture(scope="module")
def sample_pages() -> dict[str, str]:
    return pages(validate(REPO).corpus, DAY)


@pytest.fixture(scope="module")
def sample(sample_pages: dict[str, str]) -> dict[str, str]:
    return index_of(sample_pages)


def sample_records(files: dict[str, str]) -> list[dict]:
    chunks = sorted((name for name in files if name.startswith("d/")), key=lambda n: int(n[2:-5]))
    return [record for name in chunks for record in json.loads(files[name])]


def decision_files() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8"))
            for path in sorted((REPO / "data" / "agencies").glob("*/decisions/*/*.yaml"))]


def test_the_sample_site_indexes_every_page_it_shows_and_only_those(sample_pages: dict[str, str],
                                                                     sample: dict[str, str]):
    site = sample_pages
    urls = {record["u"] for record in sample_records(sample)}
    shown = {uri.removesuffix(".md") + "/" for uri in site
             if uri.startswith(("decisions/", "items/", "agencies/", "laws/", "benchmarks/"))
             and uri.endswith(".md") and not uri.endswith("index.md")
             # the further pages of a list or of a benchmark document: no record of their own
             and not re.fullmatch(r"(?:[a-z]+|benchmarks/[^/]+)/p/\d+\.md", uri)}
    assert urls == shown


def test_no_expired_or_unpublished_decision_and_nothing_of_a_withdrawn_one_but_its_notice_is_indexed(
        sample: dict[str, str]):
    from generator.render import visible

    everything = "\n".join(sample.values())
    records = sample_records(sample)
    site = yaml.safe_load((REPO / "data" / "site.yaml").read_text(encoding="utf-8"))
    hidden = [d for d in decision_files() if not visible(d, DAY, site)]
    withdrawn = [d for d in decision_files() if visible(d, DAY, site) and d["status"] == "已撤回"]
    assert hidden and withdrawn  # the sample has both
    on_display = [d for d in decision_files() if visible(d, DAY, site) and d["status"] != "已撤回"]
    shown_titles = {d["title"] for d in on_display}
    shown = "\n".join(f"{d['title']}\n{d['party']['name']}\n{d['party'].get('credit_code', '')}" for d in on_display)
    for decision in hidden:
        assert decision["doc_no"] not in everything, decision["doc_no"]
        assert decision["title"] in shown_titles or decision["title"] not in everything, decision["doc_no"]
    for decision in withdrawn:
        assert [r["t"] for r in records if decision["doc_no"] in r["t"]] == [f"{decision['doc_no']}（已撤回）"]
        notice = next(r for r in records if decision["doc_no"] in r["t"])
        secrets = (decision["title"], decision["party"]["name"], decision["party"].get("credit_code", "…"),
                   decision["facts"])
        assert not [s for s in secrets if s in json.dumps(notice, ensure_ascii=False)]
        for secret in secrets:
            if secret not in shown:  # unless a decision on display names the same party
                assert secret not in everything and secret.lower() not in everything, secret


def test_a_minors_decision_is_in_no_search_file(project: Path):
    path = project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    before = "\n".join(index_of(pages(validate(project).corpus, DAY)).values())
    assert "连山市监罚〔2024〕12号" in before and "禾丰食品" in before
    record["party"] = {"kind": "自然人", "name": "陈某", "minor": True}
    path.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
    after = "\n".join(index_of(pages(validate(project).corpus, DAY)).values())
    assert "连山市监罚〔2024〕12号" not in after and "陈某" not in after


def test_an_expired_decision_leaves_the_index(project: Path):
    # 罚款 50000 元 published 2024-04-15: on display through 2027-04-15
    last = "\n".join(index_of(pages(validate(project).corpus, datetime.date(2027, 4, 15))).values())
    after = "\n".join(index_of(pages(validate(project).corpus, datetime.date(2027, 4, 16))).values())
    assert "连山市监罚〔2024〕12号" in last and "91441825ma4w2g6y8w" in last
    assert "连山市监罚〔2024〕12号" not in after and "91441825ma4w2g6y8w" not in after and "禾丰" not in after


def test_the_sample_finds_an_item_by_a_middle_word_and_a_decision_by_number_party_and_credit_code(
        sample: dict[str, str]):
    assert [d["u"] for d in search(sample, "虚假生产日期").docs] == ["items/441825-SCJG-CF-0001/"]
    rice = "decisions/lsscjgj/2024-009-rice-label/"
    assert search(sample, "连山市监罚〔2024〕9号").docs[0]["u"] == rice
    assert rice in [d["u"] for d in search(sample, "连山壮族瑶族自治县金禾").docs]
    code = yaml.safe_load((REPO / "data/agencies/lsscjgj/decisions/2024/2024-009-rice-label.yaml").read_text(
        encoding="utf-8"))["party"]["credit_code"]
    assert [d["u"] for d in search(sample, code).docs] == [rice]
    assert rice in [d["u"] for d in search(sample, code[:-3]).docs]


def test_one_shard_of_the_sample_is_small_and_one_query_reads_little(sample: dict[str, str]):
    shards = {name: len(text.encode()) for name, text in sample.items() if name[:2] in ("t-", "i-")}
    assert max(shards.values()) <= search_index.SHARD_MAX + 1024, shards
    chunks = [len(text.encode()) for name, text in sample.items() if name.startswith("d/")]
    assert max(chunks) <= 8 * 1024
    for query in ("连山市监罚〔2024〕9号", "连山壮族瑶族自治县金禾", "虚假生产日期"):
        result = search(sample, query)
        assert result.docs and result.bytes <= 100 * 1024, (query, result.fetched)


def test_the_index_holds_the_records_text_as_json_data(project: Path):
    path = project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    hostile = '<script>alert(1)</script>"引号"\\反斜杠'
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: 对连山某某食品有限公司经营超过保质期食品的行政处罚决定", f"title: '{hostile}'"), encoding="utf-8")
    files = index_of(pages(validate(project).corpus, DAY))
    assert titles(search(files, "引号")) == [hostile]  # parsed back whole: the JSON is well formed


# The script itself, in Node

NODE_RUNNER = r"""
const fs = require("fs");
const path = require("path");
const [script, dir, queries] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
const api = require(script);
(async () => {
  const out = [];
  for (const query of queries) {
    const index = new api.Index((file) => Promise.resolve(fs.readFileSync(path.join(dir, file), "utf8")));
    const matched = await index.query(query);
    const page = await index.page(matched, 0, matched.manifest.page);
    out.push({ urls: page.docs.map((d) => d.u), total: matched.candidates.length - page.rejected,
               partial: matched.partial });
  }
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""

QUERIES = ["虚假生产日期", "保质期", "连山市监罚〔2024〕9号", "连山市监罚[2024]", "连山壮族瑶族自治县金禾", "金禾米业",
           "91441825", "连山", "罚", "食品 许可", "行政处罚决定", "連山", "ＳＣＪＧ", "441825-scjg", "不存在", "𠮷"]


@pytest.mark.skipif(NODE is None and not IN_CI, reason="Node.js is not installed (under CI=true this fails instead)")
def test_the_script_answers_every_query_as_the_reader_does(sample: dict[str, str], tmp_path: Path):
    for name, text in sample.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = subprocess.run([NODE, "-e", NODE_RUNNER, str(TEMPLATES / "search.js"), str(tmp_path), json.dumps(QUERIES)],
                          capture_output=True, text=True, check=False, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    expected = [{"urls": [d["u"] for d in r.docs], "total": r.total, "partial": r.partial}
                for r in (search(sample, query) for query in QUERIES)]
    assert json.loads(done.stdout) == expected
    assert any(e["urls"] for e in expected[:6])


@pytest.mark.skipif(NODE is None and not IN_CI, reason="Node.js is not installed (under CI=true this fails instead)")
def test_the_script_cuts_text_and_identifiers_as_the_builder_does():
    samples = ["超标排放 SC12", "连山市监罚（２０２４）9号", "ＡＢＣ　def", "𠮷野家 〇〇七", "[x]【y】", "Ⅻ号"]
    runner = ("const api = require(process.argv[1]); const s = JSON.parse(process.argv[2]);"
              "console.log(JSON.stringify(s.map((t) => [api.runs(t), api.normalizeId(t)])));")
    done = subprocess.run([NODE, "-e", runner, str(TEMPLATES / "search.js"), json.dumps(samples)],
                          capture_output=True, text=True, check=False, timeout=30)
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout) == [[[list(r) for r in search_index.runs(t)], normalize_id(t)] for t in samples]


# A county's scale: the shards stay small and a query stays under issue 6's 300 KB

def county(seed: int = 7) -> list[Doc]:
    """~65k records shaped like a county's: 10k items, 55k decisions of 30k parties in 7 towns, 40 a day."""
    import random

    rng = random.Random(seed)
    chars = "".join(sorted(set("".join(text_keys(yaml.safe_dump(yaml.safe_load(
        (REPO / "data/agencies/lsscjgj/items.yaml").read_text(encoding="utf-8")), allow_unicode=True))))))
    chars = [c for c in chars if "\u4e00" <= c <= "\u9fff"]
    towns = ["吉田镇", "太保镇", "禾洞镇", "永和镇", "福堂镇", "小三江镇", "上帅镇"]
    kinds = ["商店", "有限公司", "餐馆", "小卖部", "超市", "药房", "建筑工程有限公司", "农家乐", "五金店"]
    acts = ["销售超过保质期食品", "未明码标价", "超标排放油烟", "未取得许可从事经营", "使用未经检验的特种设备",
            "违法发布广告", "擅自占用道路", "非法采伐林木", "未定期组织应急演练", "未按规定建立进货查验记录"]
    prefixes = ["连山市监罚", "连山综执罚", "连山应急罚", "连山水罚", "连山林罚", "太保综执罚", "吉田综执罚"]

    def word(low: int, high: int) -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(low, high)))

    names = [f"对{word(8, 30)}的行政处罚" for _ in range(10_000)]
    docs = [Doc("i", f"items/441825-X-{n:05d}/", name, (f"441825-X-{n:05d}",), (name,), (f"441825-X-{n:05d}",))
            for n, name in enumerate(names)]
    parties = [f"连山壮族瑶族自治县{rng.choice(towns)}{word(2, 4)}{rng.choice(kinds)}" for _ in range(30_000)]
    for n in range(55_000):
        party, year = rng.choice(parties), rng.randint(2021, 2026)
        doc_no = f"{rng.choice(prefixes)}〔{year}〕{n}号"
        code = "9" + rng.choice("12") + "441825" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
                                                          for _ in range(10))
        title = f"关于{party}{rng.choice(acts)}的行政处罚决定"
        docs.append(Doc("d", f"decisions/x/{year}-{n:05d}/", title, (doc_no, "县市场监管局", f"{year}-01-01",
                        f"当事人：{party}"), (title, party), (doc_no, code), group=n // 40))  # 40 a day
    return docs


def test_at_a_countys_scale_shards_stay_small_and_one_query_downloads_under_300_kb():
    docs = county()
    files = build(docs)
    sizes = {name: len(text.encode()) for name, text in files.items()}
    assert len(files) < 20_000  # static hosts cap the number of files (Cloudflare Pages: 20k)
    assert sizes["manifest.json"] <= 64 * 1024
    assert max(size for name, size in sizes.items() if name[:2] in ("t-", "i-")) <= search_index.SHARD_MAX + 2048
    queries = [docs[12_345].texts[1], docs[23_456].texts[1][9:15], "超标排放油烟", docs[34_567].ids[0],
               docs[34_567].ids[0][:8], docs[45_678].ids[1], docs[45_678].ids[1][:8], "有限公司", "连山壮族瑶族自治县",
               "罚", docs[5_000].title[6:12]]
    for query in queries:
        result = search(files, query)
        assert result.bytes <= 300 * 1024, (query, result.bytes)
    assert search(files, docs[34_567].ids[0]).docs[0]["u"] == docs[34_567].url
    assert docs[12_345].url in [d["u"] for d in search(files, docs[12_345].texts[1]).docs]
    assert docs[5_000].url in [d["u"] for d in search(files, docs[5_000].title[6:12]).docs]
