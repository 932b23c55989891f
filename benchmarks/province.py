"""A province on one machine: K synthetic counties built as shards in parallel, then joined.

Simulates the CI matrix of docs/province.md:

1. ``portal synth --county k --seed k`` writes county k's project (k = 0 is the sample's 连山; the
   others have their own names, 机关代字 and region codes), whose site.yaml ``base_url`` is set to
   the province's address plus the county's region code;
2. each county is built (``portal build``) and described (``portal province shard``) in its own
   process, ``--jobs`` at a time, as matrix jobs would be;
3. ``portal province join`` puts the shards together;
4. four queries are run with `ProvinceReader`, each on a cold cache: a company of the last county
   (the routing index sends it to that county alone), a title every county holds (asked of every
   county), a 文书号 of the last county (routed by its 机关代字) and a credit-code prefix (an
   identifier: asked of every county).

Prints each figure, then one JSON line. Times are wall seconds measured from outside each process.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.province import ProvinceReader, set_base_url  # noqa: E402
from generator.synth import County, synthesize  # noqa: E402

TODAY = "2026-11-27"
PORTAL = [sys.executable, "-m", "generator"]
BASE_URL = "https://zfgs.example.gov.cn/"


def region(county: int) -> str:
    return "441825" if county == 0 else County.of(county).region


def shard(project: Path, site: Path) -> dict[str, float]:
    """One matrix job: build the county's site and describe it; wall seconds of each step."""
    times = {}
    for step, command in (("build_s", [*PORTAL, "build", "--root", str(project), "--out", str(site),
                                       "--today", TODAY]),
                          ("describe_s", [*PORTAL, "province", "shard", "--root", str(project), "--site", str(site)])):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times[step] = round(time.perf_counter() - start, 2)
        if done.returncode:
            raise SystemExit(f"{project.name}: {' '.join(command[3:5])} failed\n{done.stdout}{done.stderr}")
    return times


def simulate(counties: int, scale: str, jobs: int, work: Path) -> dict:
    projects, sites = work / "projects", work / "shards"
    for folder in (projects, sites, work / "province"):
        shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    for county in range(counties):
        synthesize(REPO, projects / region(county), scale, seed=county, county=county)
        set_base_url(projects / region(county), f"{BASE_URL}{region(county)}/")
    synth_s = time.perf_counter() - start

    start = time.perf_counter()
    # Threads only wait: every build is its own process, as a matrix job is its own runner.
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        times = list(pool.map(lambda c: shard(projects / region(c), sites / region(c)), range(counties)))
    matrix_s = time.perf_counter() - start

    out = work / "province"
    start = time.perf_counter()
    done = subprocess.run([*PORTAL, "province", "join", *(str(sites / region(c)) for c in range(counties)),
                           "--out", str(out), "--base-url", BASE_URL], capture_output=True, text=True, check=False)
    join_s = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"join failed\n{done.stdout}{done.stderr}")
    province = json.loads((out / "province.json").read_text("utf-8"))

    last = region(counties - 1)
    county = province["shards"][-1]["county"]
    decisions = [r for path in sorted((out / last / "search" / "d").glob("*.json"), key=lambda p: int(p.stem))
                 for r in json.loads(path.read_text("utf-8")) if r["k"] == "d" and "已撤回" not in r["t"]]
    own = next(r for r in decisions if r["t"].startswith(county))
    shared = next(r for r in decisions if "某某" in r["t"])
    queries = {"company": own["t"], "shared": shared["t"], "doc_no": own["s"][0], "credit": "91441825"}
    results = {name: ProvinceReader.at(out).search(query) for name, query in queries.items()}
    assert any(d["t"] == own["t"] for d in results["company"].docs), own
    assert any(d["t"] == own["t"] for d in results["doc_no"].docs), own
    assert all(group.docs for group in results["shared"].groups), shared
    sizes = [s["bytes"] for s in province["shards"]]
    own = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()
              and p.relative_to(out).parts[0] not in {s["id"] for s in province["shards"]})
    return {
        "counties": counties, "scale": scale, "jobs": jobs, "cpus": os.cpu_count(),
        "synth_s": round(synth_s, 2),
        "shard_build_s": [t["build_s"] for t in times], "shard_describe_s": [t["describe_s"] for t in times],
        "matrix_wall_s": round(matrix_s, 2), "join_s": round(join_s, 2),
        "shard_mb": [round(b / 2**20, 1) for b in sizes], "total_mb": round((sum(sizes) + own) / 2**20, 1),
        "province_own_kb": round(own / 1024, 1), "files": sum(s["files"] for s in province["shards"]),
        "queries": {name: {"query": queries[name], "shards_asked": len(result.asked),
                           "counties_found": len(result.groups), "kb": round(result.bytes / 1024, 1)}
                    for name, result in results.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counties", type=int, default=3, help="how many synthetic counties (shards)")
    parser.add_argument("--scale", choices=["tiny", "county", "city"], default="tiny", help="each county's size")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="shards built at once (matrix width)")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    if not 1 <= args.counties <= 133:
        parser.error("--counties must be between 1 and 133")
    work = args.work or Path(tempfile.mkdtemp(prefix="province-"))
    figures = simulate(args.counties, args.scale, args.jobs, work)
    print(f"{figures['counties']} 个县（{figures['scale']}），{figures['jobs']} 个并行任务，{figures['cpus']} 核：")
    for county, (build, describe, size) in enumerate(zip(figures["shard_build_s"], figures["shard_describe_s"],
                                                         figures["shard_mb"], strict=True)):
        print(f"  分片 {region(county)}：生成 {build} 秒，描述 {describe} 秒，{size} MB")
    f = figures
    print(f"合成数据 {f['synth_s']} 秒；矩阵（全部分片）{f['matrix_wall_s']} 秒；合成省级网站 {f['join_s']} 秒")
    print(f"省级网站共 {f['total_mb']} MB、{f['files']} 个分片文件；省级自有文件 {f['province_own_kb']} KB")
    for name, label in (("company", "一县的企业名称"), ("shared", "各县都有的标题"), ("doc_no", "文书号"),
                        ("credit", "信用代码开头")):
        q = f["queries"][name]
        print(f"查询{label}“{q['query']}”：问 {q['shards_asked']} 个分片，{q['counties_found']} 个县有结果，"
              f"下载 {q['kb']} KB")
    if args.work is None:
        shutil.rmtree(work)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
