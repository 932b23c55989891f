"""`make bench` (benchmarks/bench.py) runs end to end in quick mode and prints every figure.

Only the shape of the output is checked here, never a time: timings belong to the bench itself.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

KEYS = {"validate_cold_s", "validate_warm_s", "build_s", "rebuild_one_s", "peak_rss_mb", "baseline_mkdocs_s",
        "speedup_vs_mkdocs", "search_first_kb", "decision_page_kb", "records", "pages"}


def test_the_quick_bench_prints_one_json_line_with_every_figure_and_writes_the_page(tmp_path: Path):
    page = tmp_path / "performance.md"
    done = subprocess.run([sys.executable, "benchmarks/bench.py", "--quick", "--repeat", "2", "--work",
                           str(tmp_path / "work"), "--docs", str(page)], cwd=REPO, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert set(figures) == KEYS
    assert figures["records"] > 0 and figures["pages"] > 0
    verdicts = [line for line in lines if line.startswith(("PASS", "FAIL"))]
    assert len(verdicts) == 8 and all("目标" in line for line in verdicts)
    text = page.read_text("utf-8")
    assert text.startswith("# 性能") and "| 指标 |" in text and "机器：" in text
    # each timed county step twice: the median is the figure, the fastest and slowest beside it
    assert "这四项和基线各测 2 次（基线与完整生成轮流进行），取中位数" in text
    assert re.search(r"耗时 [\d.]+ 秒（2 次的中位数，[\d.]+–[\d.]+ 秒）", text)
    timed = [line for line in text.splitlines() if line.startswith("| ") and "2 次的中位数" in line]
    assert [line.split("`")[1] for line in timed] == ["validate_cold_s", "validate_warm_s", "build_s", "rebuild_one_s"]
    for line in timed:
        median, low, high = map(float, re.search(r"\| ([\d.]+) s（2 次的中位数，([\d.]+)–([\d.]+)）", line).groups())
        assert low <= median <= high
    # where the rebuild's time goes, as the build itself reports it (PORTAL_TIMINGS=1)
    steps = re.findall(r"^\| (\S[^|]*) \| ([\d.]+) s \|$", text.split("各步骤的耗时")[1], re.MULTILINE)
    assert [step for step, _ in steps][:2] == ["校验", "mkdocs 读取配置和文档"]
    assert any(step.startswith("写出") and "记录页面" in step for step, _ in steps)


def test_the_decision_page_figure_counts_decision_pages_and_not_the_lists_pages(tmp_path: Path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    for page, size in [("decisions/lsscjgj/2024-012/index.html", 2048), ("decisions/jitian/2025-1/index.html", 1024),
                       ("decisions/p/2/index.html", 80 * 1024), ("decisions/index.html", 90 * 1024)]:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / page).write_bytes(b"x" * size)
    assert bench.decision_page_kb(tmp_path) == (2.0, 2)


def test_a_missed_target_says_by_how_much_and_a_near_miss_is_not_rounded_away():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    notes = {key: (met, note) for key, _, _, _, met, note in bench.verdicts(
        {"rebuild_one_s": 13.27, "city_vs_county": 8.52, "speedup_vs_mkdocs": 4.85, "build_s": 33.8})}
    assert notes == {"rebuild_one_s": (False, "是目标的 4.4 倍，超出 10.27 s"),
                     "city_vs_county": (False, "是目标的 1.00 倍，超出 0.02 ×"),
                     "speedup_vs_mkdocs": (False, "只达到目标的 97%，差 0.15 ×"), "build_s": (True, "")}
