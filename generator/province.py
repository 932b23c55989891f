"""A province of county sites (``portal province``): shards built apart, joined by a small index.

Each county (or body) is a *shard*: a normal ``portal build`` of its own project, whose site.yaml
``base_url`` is the province's address plus the shard's id (``https://zfgs.example.gov.cn/441825/``),
so its pages, QR codes and feed already carry their final addresses. Shards build independently,
one CI matrix job each. Then, in the same job, ``describe`` writes ``shard.json`` into the built
site: who the shard is, its record counts, the SHA-256 of its search manifest and its file count
and size.

``join`` puts the shards side by side under ``<id>/`` and adds what the province itself serves: an
index page listing each county, a search page, ``search/province.json`` (each shard's search
manifest and the identifier prefixes that route a query to it) and ``province.json``. It never
renders a shard page: it checks each shard against its ``shard.json`` and links (or copies) its
files. A missing or broken shard stops the join, by name, before anything is written.

The join also writes a *routing index* (``search/route/``): every text key (character bigram,
word) of every shard's search index, with the shards holding it, in the same sharded format as a
county's index (its "records" are the shards). A Chinese query first reads the few routing shards
of its keys and then asks only the counties holding all of them; a query no county can answer
costs no county a byte. It is built from the shards' index files, never from their records.

`ProvinceReader` answers a query across the shards as assets/province-search.js does, counting the
bytes read: a query that starts with a shard's 机关代字 or region code goes to that shard only; a
Chinese query goes to the shards the routing index names; any other (a credit code, a word in
Latin letters or digits, which a shard's identifier index may hold) goes to every shard. The
shards are asked ``BATCH`` at a time, the page asking for the next batch, so that one query never
costs a browser every county's index. Each county's results are shown apart.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import search_index
from .render import TEMPLATES

#: ``format`` of shard.json and province.json; a join refuses another.
FORMAT = 1
SHARD_FILE = "shard.json"
#: Written at the root of a joined province: only such a folder is replaced by the next join.
PROVINCE_FILE = "province.json"
#: The province's search entry: each shard's search manifest and routing prefixes.
SEARCH_FILE = "search/province.json"
SCRIPT = "assets/province-search.js"
#: A query asks at most this many counties at once (a city's worth); the page offers the next batch.
BATCH = 8
#: The routing index: text key → shards holding it (search_index's format; its records are shards).
ROUTE = "search/route/"
#: Routing index files are cut at about this many bytes of JSON.
ROUTE_SHARD = 8 * 1024
#: A shard id is its path under the province: lower-case letters, digits and hyphens.
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
#: What the index page counts, in this order (search_index.KINDS names them).
COUNTED = ("a", "i", "b", "d")
_FIELDS = {"id", "name", "county", "region_code", "base_url", "counts", "routes", "search_manifest_sha256", "files",
           "bytes"}


class ShardError(Exception):
    """A shard that cannot be described or joined; the message names it, in Chinese."""


class ProvinceUsageError(Exception):
    """The join was asked for something it will not do (an output folder it did not write)."""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(site: Path) -> Iterator[Path]:
    """Every file of a built site but shard.json itself."""
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            if path.parent != site or name != SHARD_FILE:
                yield path


def _tally(site: Path) -> tuple[int, int]:
    count = size = 0
    for path in _files(site):
        count += 1
        size += path.stat().st_size
    return count, size


def describe(root: Path, site: Path, shard_id: str | None = None) -> dict[str, Any]:
    """Write ``shard.json`` into the site built from project `root`; return it."""
    site_yaml = yaml.safe_load((root / "data" / "site.yaml").read_text("utf-8")) or {}
    region = str(site_yaml.get("region_code", ""))
    shard_id = shard_id or region
    where = f"分片 {shard_id or site}"
    if not _ID.match(shard_id):
        raise ShardError(f"{where}：标识应由小写字母、数字和连字符组成（它是省级网站中的路径），"
                         "请用 --id 指定，或在 data/site.yaml 中填写 region_code。")
    manifest = site / "search" / "manifest.json"
    if not (site / "index.html").is_file() or not manifest.is_file():
        raise ShardError(f"{where}：{site} 不是生成好的网站（没有 index.html 或 search/manifest.json），"
                         "请先运行 portal build。")
    base_url = str(site_yaml.get("base_url", ""))
    if not base_url.endswith(f"/{shard_id}/"):
        raise ShardError(f"{where}：data/site.yaml 的 base_url（{base_url or '未填写'}）应以 /{shard_id}/ 结尾，"
                         "即省级网址加分片标识；改好后重新生成网站，二维码和订阅中的地址才正确。")
    sitemap = site / "sitemap.xml"
    if sitemap.is_file():
        first = re.search(r"<loc>([^<]*)</loc>", sitemap.read_text("utf-8"))
        if first and not first[1].startswith(base_url):
            raise ShardError(f"{where}：网站中的地址是 {first[1]}，不在 base_url {base_url} 下；"
                             "网站是在修改 base_url 之前生成的，请重新运行 portal build。")
    kinds: Counter[str] = Counter()
    for chunk in sorted((site / "search" / "d").glob("*.json")):
        kinds.update(record["k"] for record in json.loads(chunk.read_text("utf-8")))
    routes = {search_index.normalize_id(f"{region}-")} if region else set()
    for path in sorted((root / "data" / "agencies").glob("*/agency.yaml")):
        agency = yaml.safe_load(path.read_text("utf-8")) or {}
        routes.update(search_index.normalize_id(str(p)) for p in agency.get("doc_prefixes") or [])
    files, size = _tally(site)
    shard = {
        "format": FORMAT, "id": shard_id, "name": str(site_yaml.get("name", shard_id)),
        "county": str(site_yaml.get("county", "")), "region_code": region, "base_url": base_url,
        "counts": {kind: kinds[kind] for kind in search_index.KINDS},
        "routes": sorted(routes - {""}),
        "search_manifest_sha256": _sha256(manifest), "files": files, "bytes": size,
    }
    (site / SHARD_FILE).write_text(_dumps(shard), "utf-8")
    return shard


def check(site: Path, base_url: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A shard's shard.json, and what is wrong with the shard (nothing: an empty list)."""
    where = f"分片 {site.name}"
    if not site.is_dir():
        return None, [f"{where}：文件夹 {site} 不存在（该县的构建任务可能失败或没有上传）。"]
    try:
        shard = json.loads((site / SHARD_FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None, [f"{where}：缺少 {SHARD_FILE}，不是描述过的分片（生成网站后请运行 portal province shard）。"]
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [f"{where}：{SHARD_FILE} 无法读取（{exc}），文件已损坏。"]
    if (not isinstance(shard, dict) or shard.get("format") != FORMAT or not _ID.match(str(shard.get("id", "")))
            or not _FIELDS <= set(shard)):
        return None, [f"{where}：{SHARD_FILE} 的格式不是 {FORMAT}、没有合法的标识或缺少字段，"
                      "请用当前的 portal 重新描述。"]
    where = f"分片 {shard['id']}（{shard.get('county') or shard.get('name')}）"
    problems = []
    if shard.get("base_url") != f"{base_url}{shard['id']}/":
        problems.append(f"{where}：base_url 是 {shard.get('base_url')}，应为 {base_url}{shard['id']}/"
                        "（否则二维码和订阅中的地址不在省级网站上）。")
    manifest = site / "search" / "manifest.json"
    if not manifest.is_file():
        problems.append(f"{where}：缺少 search/manifest.json。")
    elif _sha256(manifest) != shard.get("search_manifest_sha256"):
        problems.append(f"{where}：search/manifest.json 与 {SHARD_FILE} 记录的 SHA-256 不符"
                        "（文件被改动或只上传了一部分）。")
    else:
        version = json.loads(manifest.read_text("utf-8")).get("version")
        if version != search_index.VERSION:
            problems.append(f"{where}：搜索索引版本是 {version}，本程序读取版本 {search_index.VERSION}；"
                            "请用同一版本的 portal 生成全部分片。")
    files, size = _tally(site)
    if (files, size) != (shard.get("files"), shard.get("bytes")):
        problems.append(f"{where}：有 {files} 个文件、{size} 字节，{SHARD_FILE} 记录的是 "
                        f"{shard.get('files')} 个、{shard.get('bytes')} 字节（缺少或多出文件）。")
    return shard, problems


@dataclass
class Joined:
    """What a join wrote."""

    out: Path
    shards: list[dict[str, Any]]
    files: int  # files under out, the shards' included
    bytes: int


def join(sites: list[Path], out: Path, base_url: str) -> Joined:
    """Check every shard, then write the province to `out` in one step (nothing on failure)."""
    base_url = base_url.rstrip("/") + "/"
    if out.exists() and any(out.iterdir()) and not (out / PROVINCE_FILE).is_file():
        raise ProvinceUsageError(f"{out} 不是空文件夹，也不是 portal province join 写的文件夹；请换一个文件夹。")
    shards, problems = [], []
    for site in sites:
        shard, found = check(site, base_url)
        problems += found
        if shard is not None:
            shards.append((site, shard))
    seen: dict[str, Path] = {}
    for site, shard in shards:
        if shard["id"] in seen:
            problems.append(f"分片 {shard['id']}：{seen[shard['id']]} 和 {site} 的标识相同，省级网站中只能有一个。")
        seen[shard["id"]] = site
    if problems:
        raise ShardError("\n".join(problems))

    temporary = out.parent / f".{out.name}.joining"
    if temporary.exists():
        shutil.rmtree(temporary)
    try:
        for site, shard in shards:
            shutil.copytree(site, temporary / shard["id"], copy_function=_link)
        listing = [shard for _, shard in shards]
        files = province_files(listing, base_url, first=sites[0])
        files.update({ROUTE + path: text for path, text in route_index([site for site, _ in shards]).items()})
        files["sitemap.xml"] = sitemap_index([location for site, shard in shards
                                              for location in shard_sitemaps(site, f"{base_url}{shard['id']}/")])
        province_texts = list(files.values())
        for path, text in files.items():
            target = temporary / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        _replace(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    # Counted from what was checked and written, not by walking the output again.
    files = sum(shard["files"] + 1 for shard in listing) + len(files)
    size = sum(shard["bytes"] + (site / SHARD_FILE).stat().st_size for site, shard in shards)
    size += sum(len(text.encode()) for text in province_texts)
    return Joined(out, listing, files, size)


def _link(source: str, target: str) -> None:
    """A hard link where the file system allows (a join then costs no copying), else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _replace(new: Path, out: Path) -> None:
    """Put `new` where `out` is, so that `out` is either the old province or the new one."""
    if not out.exists():
        new.rename(out)
        return
    old = out.parent / f".{out.name}.replaced"
    if old.exists():
        shutil.rmtree(old)
    out.rename(old)
    new.rename(out)
    shutil.rmtree(old)


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def shard_sitemaps(site: Path, base: str) -> list[str]:
    """The addresses of a shard's sitemaps: its sitemap.xml, or the files it indexes when a county
    past 50,000 pages wrote an index there (shell.rewrite_sitemap), for indexes must not nest."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return []
    if "<sitemapindex" not in sitemap.read_text("utf-8")[:500]:
        return [f"{base}sitemap.xml"]
    parts = sorted(site.glob("sitemap-*.xml"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    return [f"{base}{path.name}" for path in parts]


def sitemap_index(locations: list[str]) -> str:
    """A sitemap index of the shards' own sitemaps: search engines find every county from the root."""
    entries = "".join(f"  <sitemap><loc>{html.escape(url)}</loc></sitemap>\n" for url in locations)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')


def route_index(sites: list[Path]) -> dict[str, str]:
    """The routing index of the shards at `sites` (in this order): file under ``search/route/`` → JSON."""
    postings: dict[str, list[int]] = {}
    for number, site in enumerate(sites):
        manifest = json.loads((site / "search" / "manifest.json").read_text("utf-8"))
        for _, name in manifest["text"]:
            for key, _ in json.loads((site / "search" / name).read_text("utf-8")):
                postings.setdefault(key, []).append(number)
    files: dict[str, str] = {}
    shards: list[list[str]] = []
    entries: list[str] = []
    size = 0

    def cut() -> None:
        nonlocal entries, size
        content = "[" + ",".join(entries) + "]"
        name = f"t-{hashlib.sha256(content.encode()).hexdigest()[:12]}.json"
        files[name] = content
        shards.append([first if shards else "", name])
        entries, size = [], 0

    first = ""
    for key in sorted(postings, key=search_index.sort_key):
        if not entries:
            first = key  # a shard's whole first key is a separator: it sorts after the previous shard's keys
        numbers = postings[key]
        deltas = ",".join(str(b - a) for a, b in zip([0, *numbers], numbers, strict=False))
        entries.append(f"[{json.dumps(key, ensure_ascii=False)},[{deltas}]]")
        size += len(entries[-1].encode()) + 1
        if size >= ROUTE_SHARD:
            cut()
    if entries or not shards:
        cut()
    files["i-0.json"] = "[]"  # identifiers are routed by prefix (province.json), not here
    files["manifest.json"] = json.dumps(
        {"version": search_index.VERSION, "docs": len(sites), "chunk": search_index.CHUNK,
         "page": search_index.PAGE, "text": shards, "ids": [["", "i-0.json"]], "common": {}},
        ensure_ascii=False, separators=(",", ":"))
    return files


def province_files(shards: list[dict[str, Any]], base_url: str, first: Path) -> dict[str, str]:
    """The province's own files: index and search pages, search entry, scripts, province.json."""
    env = _environment()
    search = {
        "version": FORMAT, "index_version": search_index.VERSION, "page": search_index.PAGE,
        "route": f"{ROUTE.removeprefix('search/')}manifest.json", "batch": BATCH,
        "shards": [{"id": s["id"], "name": s["name"], "county": s["county"], "path": f"{s['id']}/",
                    "manifest": f"{s['id']}/search/manifest.json", "sha256": s["search_manifest_sha256"],
                    "docs": sum(s["counts"].values()), "routes": s["routes"]} for s in shards],
    }
    context = {"shards": shards, "kinds": search_index.KINDS, "counted": COUNTED, "base_url": base_url,
               "totals": {k: sum(s["counts"].get(k, 0) for s in shards) for k in COUNTED}}
    return {
        "index.html": env.get_template("province-index.html.j2").render(**context),
        "search/index.html": env.get_template("province-search.html.j2").render(**context),
        SEARCH_FILE: json.dumps(search, ensure_ascii=False, separators=(",", ":")),
        # The shards' own search script: the province reads their indexes with the same code.
        "assets/search.js": (first / "assets" / "search.js").read_text("utf-8"),
        SCRIPT: (TEMPLATES / "province-search.js").read_text("utf-8"),
        PROVINCE_FILE: _dumps({"format": FORMAT, "base_url": base_url,
                               "shards": [{k: s[k] for k in ("id", "name", "county", "base_url", "counts", "files",
                                                              "bytes", "search_manifest_sha256")} for s in shards]}),
    }


@dataclass
class Group:
    """One county's part of a province query."""

    shard: str
    county: str
    docs: list[dict[str, Any]]  # their ``u`` is from the province's root
    total: int
    partial: bool


@dataclass
class ProvinceResult:
    groups: list[Group]
    routed: bool  # the query went to some shards only (by prefix or by the routing index)
    asked: list[str]  # shard ids queried
    fetched: dict[str, int] = field(default_factory=dict)  # file (from the province's root) → bytes read
    remaining: int = 0  # routed shards not asked yet: the next batch

    @property
    def bytes(self) -> int:
        return sum(self.fetched.values())

    @property
    def docs(self) -> list[dict[str, Any]]:
        return [doc for group in self.groups for doc in group.docs]


class ProvinceReader:
    """Queries every shard of a province as assets/province-search.js does; `fetch(path)` from its root."""

    def __init__(self, fetch: Callable[[str], str]):
        self._fetch = fetch
        self._province: dict[str, Any] | None = None
        self._readers: dict[str, search_index.Reader] = {}
        self._router: search_index.Reader | None = None
        self._router_base = ""
        self.fetched: dict[str, int] = {}

    @classmethod
    def at(cls, folder: Path) -> ProvinceReader:
        return cls(lambda path: (folder / path).read_text("utf-8"))

    @property
    def province(self) -> dict[str, Any]:
        if self._province is None:
            text = self._fetch(SEARCH_FILE)
            self.fetched[SEARCH_FILE] = len(text.encode())
            self._province = json.loads(text)
        return self._province

    def _reader(self, shard: dict[str, Any]) -> search_index.Reader:
        if shard["id"] not in self._readers:
            base = f"{shard['path']}search/"
            self._readers[shard["id"]] = search_index.Reader(lambda path, base=base: self._fetch(base + path))
        return self._readers[shard["id"]]

    def route(self, query: str) -> list[dict[str, Any]]:
        """The shards that may answer `query` (see the module's docstring), in the province's order."""
        key = search_index.normalize_id(query)
        shards = self.province["shards"]
        routed = [s for s in shards if key and any(key.startswith(route) for route in s["routes"])]
        if routed:
            return routed
        pieces = search_index.runs(query)
        if not pieces or not all(chinese for chinese, _ in pieces) or "route" not in self.province:
            return shards
        found = self._routed(pieces)
        # A query that is the start of a 机关代字 may find 文书号 by prefix: those shards are asked too.
        found |= {n for n, s in enumerate(shards) if any(route.startswith(key) for route in s["routes"])}
        return [shards[n] for n in sorted(found)]

    def _routed(self, pieces: list[tuple[bool, str]]) -> set[int]:
        """The shards holding every text key of the query, by the routing index."""
        if self._router is None:
            base = SEARCH_FILE.rsplit("/", 1)[0] + "/" + self.province["route"].rsplit("/", 1)[0] + "/"
            self._router = search_index.Reader(lambda path: self._fetch(base + path))
            self._router_base = base
        keys = [run[i:i + 2] for _, run in pieces for i in range(len(run) - 1)]
        if keys:
            # As a county's search does (assets/search.js): keys from at most TEXT_SHARDS routing
            # shards, so a long title costs a few files; the counties asked may be a few too many.
            firsts = [search_index.sort_key(first) for first, _ in self._router.manifest["text"]]
            chosen, shards = [], set()
            for key in dict.fromkeys(keys):
                shard = bisect.bisect_right(firsts, search_index.sort_key(key)) - 1
                if shard in shards or len(shards) < search_index.TEXT_SHARDS:
                    shards.add(shard)
                    chosen.append(key)
            lists = [set(self._router.lookup("text", key)) for key in chosen]
        else:  # single characters: every key starting with one
            lists = [{n for _, numbers in self._router.prefixed("text", run, shards=search_index.TEXT_SHARDS)[0]
                      for n in numbers} for _, run in pieces]
        return set.intersection(*lists)

    def search(self, query: str, limit: int = search_index.PAGE, start: int = 0, batch: int = BATCH) -> ProvinceResult:
        """The query asked of the routed shards `start` to `start + batch` (the next batch: `start` + len(asked))."""
        self.fetched = {}
        province = self.province
        routed = self.route(query)
        asked = routed[start:start + batch]
        groups = []
        if self._router is not None:
            self.fetched.update({self._router_base + path: size for path, size in self._router.fetched.items()})
            self._router.fetched = {}
        for shard in asked:
            result = self._reader(shard).search(query, limit)
            self.fetched.update({f"{shard['path']}search/{path}": size for path, size in result.fetched.items()})
            if result.total:
                docs = [{**doc, "u": shard["path"] + doc["u"]} for doc in result.docs]
                groups.append(Group(shard["id"], shard["county"] or shard["name"], docs, result.total, result.partial))
        return ProvinceResult(groups, len(routed) < len(province["shards"]), [s["id"] for s in asked],
                              dict(self.fetched), len(routed) - start - len(asked))


def set_base_url(root: Path, url: str) -> None:
    """Point a project's data/site.yaml ``base_url`` at `url` (the simulation's shards; a county joining a province)."""
    path = root / "data" / "site.yaml"
    text = path.read_text("utf-8")
    changed, count = re.subn(r"^base_url: .*$", f"base_url: {url}", text, count=1, flags=re.M)
    if not count:
        changed = text.rstrip("\n") + f"\nbase_url: {url}\n"
    path.write_text(changed, "utf-8")
