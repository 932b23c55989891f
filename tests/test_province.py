"""A province of shards (generator/province.py, `portal province`, benchmarks/province.py).

Three tiny synthetic counties are built once, each as its own `portal build` in its own process
(as a CI matrix would), described with `portal province shard`, then joined. Broken shards are
copies of the good ones with one thing wrong.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.province import ProvinceReader, set_base_url
from generator.synth import County, synthesize

from .conftest import REPO

TODAY = "2026-11-27"
BASE = "https://zfgs.example.gov.cn/"
COUNTIES = (0, 1, 2)
IDS = ("441825", "490001", "490002")


def digest(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Shard id → a built and described site, one per synthetic county."""
    work = tmp_path_factory.mktemp("province")
    projects = {}
    for county, shard in zip(COUNTIES, IDS, strict=True):
        projects[shard] = work / "projects" / shard
        synthesize(REPO, projects[shard], "tiny", seed=county, county=county)
        set_base_url(projects[shard], f"{BASE}{shard}/")
    portal = [sys.executable, "-m", "generator"]
    builds = {shard: subprocess.Popen([*portal, "build", "--root", str(root), "--out", str(work / "sites" / shard),
                                       "--today", TODAY], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
              for shard, root in projects.items()}
    for shard, process in builds.items():
        output, _ = process.communicate()
        assert process.returncode == 0, f"{shard}: {output.decode()}"
    for shard, root in projects.items():
        done = subprocess.run([*portal, "province", "shard", "--root", str(root), "--site", str(work / "sites" / shard)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
    return {shard: work / "sites" / shard for shard in IDS}


@pytest.fixture(scope="module")
def province(shards: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("joined") / "province"
    result = CliRunner().invoke(main, ["province", "join", *map(str, shards.values()), "--out", str(out),
                                       "--base-url", BASE], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "3 个分片" in result.stdout
    return out


def decisions(site: Path) -> list[dict]:
    return [record for path in sorted((site / "search" / "d").glob("*.json"), key=lambda p: int(p.stem))
            for record in json.loads(path.read_text("utf-8")) if record["k"] == "d" and "已撤回" not in record["t"]]


def test_synthetic_counties_have_their_own_names_doc_numbers_and_item_codes(tmp_path: Path):
    seen: dict[str, set[str]] = {"doc_no": set(), "item": set(), "name": set()}
    for county in COUNTIES:
        root = tmp_path / str(county)
        synthesize(REPO, root, "tiny", seed=county, county=county)
        found = {"doc_no": set(), "item": set()}
        for path in (root / "data" / "agencies").rglob("decisions/*/*.yaml"):
            text = path.read_text("utf-8")
            found["doc_no"].update(re.findall(r"^doc_no: (\S+)$", text, re.M))
            found["item"].update(re.findall(r'^item: "(\S+)"$', text, re.M))
        name = re.search(r"^county: (\S+)$", (root / "data" / "site.yaml").read_text("utf-8"), re.M)[1]
        assert found["doc_no"] and found["item"]
        for key, values in found.items():
            assert not values & seen[key], key
            seen[key] |= values
        assert name not in seen["name"]
        seen["name"].add(name)
    assert seen["name"] == {"连山壮族瑶族自治县", "青溪县", "青岭县"}


def test_county_zero_is_the_plain_synthetic_corpus(tmp_path: Path):
    synthesize(REPO, tmp_path / "plain", "tiny", seed=3)
    synthesize(REPO, tmp_path / "zero", "tiny", seed=3, county=0)
    assert digest(tmp_path / "plain") == digest(tmp_path / "zero")


def test_a_county_number_out_of_range_is_refused(cli, tmp_path: Path):
    with pytest.raises(ValueError, match="between 1 and 132"):
        County.of(133)
    code, _, stderr = cli("synth", "--root", str(REPO), "--scale", "tiny", "--out", str(tmp_path / "x"),
                          "--county", "133")
    assert code == 2 and "--county" in stderr


def test_each_shard_records_its_counts_and_digest(shards: dict[str, Path]):
    shard = json.loads((shards["490001"] / "shard.json").read_text("utf-8"))
    assert (shard["id"], shard["county"], shard["base_url"]) == ("490001", "青溪县", f"{BASE}490001/")
    assert shard["counts"]["d"] > 0 and shard["counts"]["a"] == 12
    assert "青溪市监罚" in shard["routes"] and "490001-" in shard["routes"]
    assert shard["search_manifest_sha256"] == hashlib.sha256(
        (shards["490001"] / "search" / "manifest.json").read_bytes()).hexdigest()


def test_the_index_page_lists_every_county_with_working_links(province: Path, shards: dict[str, Path]):
    page = (province / "index.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
    counties = {href: name for href, name in links if href.rstrip("/") in IDS}
    assert counties == {"441825/": "连山壮族瑶族自治县", "490001/": "青溪县", "490002/": "青岭县"}
    for href, _ in links:
        assert (province / href / "index.html").is_file(), href
    for shard_id in IDS:
        count = json.loads((shards[shard_id] / "shard.json").read_text("utf-8"))["counts"]["d"]
        row = re.search(rf'<a href="{shard_id}/">.*?</tr>', page)[0]
        assert f'<td class="n">{count}</td>' in row
    assert "https://" not in page and "<script" not in page  # works offline, loads nothing


def test_the_shards_are_joined_as_built(province: Path, shards: dict[str, Path]):
    for shard_id, site in shards.items():
        assert digest(province / shard_id) == digest(site)
    assert re.findall(r"<loc>([^<]+)</loc>", (province / "sitemap.xml").read_text("utf-8")) == [
        f"{BASE}{shard_id}/sitemap.xml" for shard_id in IDS]
    search = json.loads((province / "search" / "province.json").read_text("utf-8"))
    assert [s["manifest"] for s in search["shards"]] == [f"{i}/search/manifest.json" for i in IDS]


@pytest.mark.parametrize("shard_id", IDS)
def test_a_record_of_each_county_is_found_through_the_province_search(province: Path, shards: dict[str, Path],
                                                                      shard_id: str):
    county = json.loads((shards[shard_id] / "shard.json").read_text("utf-8"))["county"]
    record = [r for r in decisions(shards[shard_id]) if r["t"].startswith(county)][-1]  # a company of that county
    result = ProvinceReader.at(province).search(record["t"])
    # Only that county holds the county's name: the routing index sends the query there alone.
    assert (result.asked, result.routed) == ([shard_id], True)
    assert [group.shard for group in result.groups] == [shard_id]
    found = [doc for doc in result.docs if doc["s"][0] == record["s"][0]]
    assert len(found) == 1 and found[0]["u"] == f"{shard_id}/{record['u']}"
    assert (province / found[0]["u"] / "index.html").is_file()
    assert result.fetched["search/province.json"] > 0
    assert {path.split("/")[0] for path in result.fetched} == {"search", shard_id}
    assert any(path.startswith("search/route/t-") for path in result.fetched)


def test_a_title_every_county_holds_asks_every_county_and_shows_each_apart(province: Path):
    result = ProvinceReader.at(province).search("林木采伐许可决定")
    assert (result.asked, result.routed) == (list(IDS), False)
    assert [group.shard for group in result.groups] == list(IDS)
    for group in result.groups:
        assert group.docs and all(doc["u"].startswith(f"{group.shard}/") for doc in group.docs)
        assert all("林木采伐许可决定" in doc["t"] for doc in group.docs)


def test_counties_are_asked_a_batch_at_a_time(province: Path):
    reader = ProvinceReader.at(province)
    first = reader.search("林木采伐许可决定", batch=2)
    assert (first.asked, first.remaining) == (list(IDS[:2]), 1)
    assert not any(path.startswith(f"{IDS[2]}/") for path in first.fetched)
    rest = reader.search("林木采伐许可决定", start=2, batch=2)
    assert (rest.asked, rest.remaining, [g.shard for g in rest.groups]) == ([IDS[2]], 0, [IDS[2]])
    assert json.loads((province / "search" / "province.json").read_text("utf-8"))["batch"] == 8


def test_a_doc_number_goes_to_its_own_county_only(province: Path, shards: dict[str, Path]):
    record = decisions(shards["490002"])[0]
    doc_no = record["s"][0]
    assert doc_no.startswith("青岭")
    routed = ProvinceReader.at(province).search(doc_no)
    fanned = ProvinceReader.at(province).search("林木采伐许可决定")
    assert (routed.asked, routed.routed) == (["490002"], True)
    assert [doc["t"] for doc in routed.docs] == [record["t"]]
    assert routed.bytes < fanned.bytes
    assert not any(path.startswith(("441825/", "490001/")) for path in routed.fetched)


def test_words_no_county_holds_cost_no_county_a_byte(province: Path):
    result = ProvinceReader.at(province).search("海底捞月")
    assert (result.asked, result.groups) == ([], [])
    assert {path.split("/")[0] for path in result.fetched} == {"search"}
    assert 1 <= sum(1 for path in result.fetched if path.startswith("search/route/t-")) <= 3  # 海底, 底捞, 捞月


def test_a_credit_code_or_latin_word_asks_every_county(province: Path, shards: dict[str, Path]):
    # Identifiers are in each county's identifier index, which the routing index does not cover.
    assert ProvinceReader.at(province).search("91441825").asked == list(IDS)
    assert ProvinceReader.at(province).search("SCJG").asked == list(IDS)


def test_the_routing_index_names_the_shards_holding_each_key(province: Path):
    from generator.search_index import Reader

    router = Reader(lambda path: (province / "search" / "route" / path).read_text("utf-8"))
    assert router.manifest["docs"] == 3
    assert router.lookup("text", "青溪") == [1] and router.lookup("text", "青岭") == [2]
    assert router.lookup("text", "采伐") == [0, 1, 2]
    assert router.lookup("text", "海底") == []


def join(cli, sites: list[Path], out: Path, base: str = BASE) -> tuple[int, str, str]:
    return cli("province", "join", *map(str, sites), "--out", str(out), "--base-url", base)


def broken_copy(site: Path, tmp_path: Path, damage) -> Path:
    copy = tmp_path / site.name
    shutil.copytree(site, copy)
    damage(copy)
    return copy


def _edit_manifest(site: Path) -> None:
    path = site / "search" / "manifest.json"
    path.write_text(path.read_text("utf-8") + " ", "utf-8")


def _lose_a_page(site: Path) -> None:
    next((site / "decisions").rglob("index.html")).unlink()


def _lose_shard_json(site: Path) -> None:
    (site / "shard.json").unlink()


def _garble_shard_json(site: Path) -> None:
    (site / "shard.json").write_text("{", "utf-8")


def _drop_a_field(site: Path) -> None:
    shard = json.loads((site / "shard.json").read_text("utf-8"))
    del shard["counts"]
    (site / "shard.json").write_text(json.dumps(shard), "utf-8")


@pytest.mark.parametrize(("damage", "message"), [
    pytest.param(_edit_manifest, "分片 490001（青溪县）：search/manifest.json 与 shard.json 记录的 SHA-256 不符", id="manifest"),
    pytest.param(_lose_a_page, "分片 490001（青溪县）：有 ", id="missing-file"),
    pytest.param(_lose_shard_json, "分片 490001：缺少 shard.json", id="not-described"),
    pytest.param(_garble_shard_json, "分片 490001：shard.json 无法读取", id="garbled"),
    pytest.param(_drop_a_field, "分片 490001：shard.json 的格式不是 1、没有合法的标识或缺少字段", id="field-missing"),
])
def test_a_broken_shard_stops_the_join_by_name_and_keeps_the_previous_province(
        cli, shards: dict[str, Path], tmp_path: Path, damage, message: str):
    out = tmp_path / "out"
    assert join(cli, [shards["441825"]], out)[0] == 0
    before = digest(out)
    broken = broken_copy(shards["490001"], tmp_path / "broken", damage)
    code, stdout, stderr = join(cli, [shards["441825"], broken, shards["490002"]], out)
    assert (code, stdout) == (1, "")
    assert message in stderr and "保持原样" in stderr
    assert digest(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["broken", "out"]  # no half-written folder


def test_a_missing_shard_stops_the_join_and_writes_nothing(cli, shards: dict[str, Path], tmp_path: Path):
    code, stdout, stderr = join(cli, [shards["441825"], tmp_path / "490001"], tmp_path / "out")
    assert (code, stdout) == (1, "")
    assert "分片 490001：文件夹" in stderr and "不存在" in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_shard_built_for_another_address_is_refused(cli, shards: dict[str, Path], tmp_path: Path):
    code, _, stderr = join(cli, [shards["441825"]], tmp_path / "out", base="https://other.example/")
    assert code == 1
    assert f"分片 441825（连山壮族瑶族自治县）：base_url 是 {BASE}441825/，应为 https://other.example/441825/" in stderr


def test_two_shards_with_one_id_are_refused(cli, shards: dict[str, Path], tmp_path: Path):
    twin = tmp_path / "twin"
    shutil.copytree(shards["490001"], twin)
    code, _, stderr = join(cli, [shards["490001"], twin], tmp_path / "out")
    assert code == 1 and "分片 490001：" in stderr and "标识相同" in stderr


def test_the_join_never_replaces_a_folder_it_did_not_write(cli, shards: dict[str, Path], tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    code, _, stderr = join(cli, [shards["441825"]], tmp_path)
    assert code == 2 and "portal province join" in stderr
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_describing_a_shard_needs_its_id_at_the_end_of_base_url(cli, tmp_path: Path):
    root = tmp_path / "county"
    synthesize(REPO, root, "tiny", county=1)
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "index.html").write_text("", "utf-8")
    (site / "search" / "manifest.json").write_text("{}", "utf-8")
    code, _, stderr = cli("province", "shard", "--root", str(root), "--site", str(site))
    assert code == 1
    assert "分片 490001：data/site.yaml 的 base_url（https://zfgs.lianshan.gov.cn/）应以 /490001/ 结尾" in stderr
    assert not (site / "shard.json").exists()
    code, _, stderr = cli("province", "shard", "--root", str(root), "--site", str(tmp_path / "nothing"))
    assert code == 1 and "不是生成好的网站" in stderr


def test_the_simulation_prints_every_figure(tmp_path: Path):
    done = subprocess.run([sys.executable, "benchmarks/province.py", "--counties", "2", "--scale", "tiny",
                           "--work", str(tmp_path)], cwd=REPO, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["counties"] == 2 and len(figures["shard_build_s"]) == 2
    queries = figures["queries"]
    assert [queries[name]["shards_asked"] for name in ("company", "shared", "doc_no", "credit")] == [1, 2, 1, 2]
    assert queries["doc_no"]["kb"] < queries["shared"]["kb"]
    assert "查询文书号" in done.stdout


def test_a_county_whose_sitemap_is_an_index_is_listed_by_its_parts(tmp_path: Path, monkeypatch):
    from generator import shell
    from generator.province import shard_sitemaps

    monkeypatch.setattr(shell, "SITEMAP_LIMIT", 2)
    big, small = tmp_path / "big", tmp_path / "small"
    for site in (big, small):
        site.mkdir()
        (site / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
                                          'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n</urlset>',
                                          encoding="utf-8")
    base = "https://zfgs.example.gov.cn/490001/"
    shell.rewrite_sitemap(big, [f"p{n}/" for n in range(23)], site_url=base, lastmod="", timestamp=0)
    assert shard_sitemaps(big, base) == [f"{base}sitemap-{n}.xml" for n in range(1, 13)]  # never an index of indexes
    assert shard_sitemaps(small, base) == [f"{base}sitemap.xml"]
    assert shard_sitemaps(tmp_path / "missing", base) == []
