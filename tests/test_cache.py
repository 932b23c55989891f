"""Checking files in parallel and from the cache changes nothing but the time it takes.

The per-file stage runs in a process pool for large projects, and its results, and the whole
result of an unchanged tree, are cached in .cache/portal/ by content (generator/cache.py).
Whatever the path, validation must give exactly the problems and the corpus that checking
every file in turn gives; a changed file is always checked again, and a damaged or foreign
cache file is ignored.
"""

from __future__ import annotations

import datetime
import os
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator import cache, checker, forking, pii
from generator.checker import validate
from generator.synth import synthesize

from .conftest import INVALID, REPO

DECISIONS = "data/agencies/lsscjgj/decisions/2024"
DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"


@pytest.fixture(scope="module")
def corpus_with_errors(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny synthetic corpus, plus every invalid decision example as an extra decision."""
    root = tmp_path_factory.mktemp("cache") / "tiny"
    synthesize(REPO, root, "tiny", seed=3)
    for example in sorted(INVALID.glob("*_decision*.yaml")):
        shutil.copy(example, root / DECISIONS / f"bad-{example.stem.replace('_', '-').lower()}.yaml")
    return root


@pytest.fixture
def project_with_errors(corpus_with_errors: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(corpus_with_errors, root, ignore=shutil.ignore_patterns(".cache"))
    return root


@pytest.fixture(autouse=True)
def no_other_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's browser tests leave server threads running, and no process forks beside
    threads: here the pool is tested as `portal validate` runs it, in a single-threaded process."""
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)


@pytest.fixture(autouse=True)
def private_cache_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


def summary(result: checker.Result) -> tuple[list, list]:
    return (result.problems,
            [(d.file, d.kind, d.data, d.tracked, d.valid) for d in result.corpus.documents])


def never_checked(*args: object, **kwargs: object) -> None:
    raise AssertionError("a file was checked although the cache held its result")


def test_the_pool_gives_the_same_problems_and_corpus_in_the_same_order(
        project_with_errors: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checker, "PARALLEL_MIN", 10**9)
    serial = summary(validate(project_with_errors, use_cache=False))
    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    parallel = summary(validate(project_with_errors, use_cache=False))
    assert len({p.code for p in serial[0]}) > 20  # loader, schema and rule problems alike
    assert parallel == serial


def test_a_cold_and_a_warm_run_agree_and_the_warm_one_reads_the_cache(
        project_with_errors: Path, monkeypatch: pytest.MonkeyPatch):
    expected = summary(validate(project_with_errors, use_cache=False))
    cold = summary(validate(project_with_errors))
    assert (project_with_errors / cache.CACHE_DIR / "result.pickle").is_file()
    monkeypatch.setattr(checker, "check_file", never_checked)
    warm = summary(validate(project_with_errors))
    assert cold == warm == expected


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "pool"])
def test_every_file_comes_from_the_cache_once_the_whole_result_is_gone(
        project_with_errors: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool):
    monkeypatch.setattr(checker, "PARALLEL_MIN", 1 if parallel else 10**9)
    expected = summary(validate(project_with_errors))
    (project_with_errors / cache.CACHE_DIR / "result.pickle").unlink()
    monkeypatch.setattr(checker, "check_file", never_checked)
    assert summary(validate(project_with_errors)) == expected


def test_an_edit_of_the_same_size_right_after_a_run_is_never_hidden(project: Path):
    path = project / DECISION
    assert validate(project).problems == []
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    path.write_text(text.replace("decided_on: 2024-04-10", "decided_on: 2024-14-10"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime
    assert path.stat().st_size == stat.st_size
    assert [p.code for p in validate(project).problems] == [
        p.code for p in validate(project, use_cache=False).problems] != []


def test_a_file_is_read_whole_with_the_signature_of_the_bytes_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\n" * 1000)
    assert checker._read(str(path)) == (cache.signature(path.stat()), path.read_bytes())
    assert checker._read(str(tmp_path / "missing.yaml")) == (None, None)
    monkeypatch.setattr(checker.loader, "MAX_BYTES", 100)
    sig, raw = checker._read(str(path))
    assert (sig, raw) == (cache.signature(path.stat()), None)  # too large: not read at all

    # A file that grows between its stat and its read is read to its end, not to the stat's size.
    monkeypatch.setattr(checker.loader, "MAX_BYTES", 10**6)
    stat = checker.os.fstat
    def growing(fd: int) -> os.stat_result:
        result = stat(fd)
        with open(path, "ab") as fh:
            fh.write(b"b: 2\n")
        return result
    monkeypatch.setattr(checker.os, "fstat", growing)
    assert checker._read(str(path))[1] == b"a: 1\n" * 1000 + b"b: 2\n"


def test_a_file_too_large_is_refused_by_the_pool_as_in_turn(project_with_errors: Path,
                                                             monkeypatch: pytest.MonkeyPatch):
    big = project_with_errors / DECISIONS / "big.yaml"
    big.write_bytes(b"facts: " + b"x" * (checker.loader.MAX_BYTES + 1) + b"\n")
    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    found = [(p.code, p.file) for p in validate(project_with_errors, use_cache=False).problems]
    assert ("yaml-too-large", f"{DECISIONS}/big.yaml") in found


def test_a_first_run_hashes_nothing_itself_and_looks_only_at_the_sizes_of_the_large_files(
        project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    placements, _ = checker.discover(project)
    stage = checker._Stage(project, None, checker._open_cache(project, None))
    assert stage.known_digests(placements) == {}  # the workers hash every file
    kinds = {placement.rel: placement.kind for placement in placements}
    assert set(stage.sizes) == {rel for rel, kind in kinds.items() if kind != "decision"}
    assert all(stage.sizes[rel] == (project / rel).stat().st_size for rel in stage.sizes)
    validate(project)  # now the index knows every file: the next run is vouched for, not sized
    stage = checker._Stage(project, None, checker._open_cache(project, None))
    assert set(stage.known_digests(placements)) == set(kinds)


def test_the_largest_buckets_are_handed_out_first():
    small, big = (checker.Placement("decision", f"data/{name}.yaml") for name in ("small", "big"))
    many = [checker.Placement("decision", f"data/{n}.yaml") for n in range(3)]
    tasks = {0: [small], 1: [big], 2: many}
    sizes = {"data/small.yaml": 900, "data/big.yaml": 1_200_000}
    assert [number for number, _ in checker.largest_first(tasks, sizes)] == [1, 2, 0]
    assert [number for number, _ in checker.largest_first(tasks, {})] == [2, 0, 1]  # sizes unknown: by count


def test_a_build_finds_the_files_in_another_process_while_this_one_loads_the_records(
        project_with_errors: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    long_ago = datetime.datetime.now().timestamp() - 60  # not "racily clean": the index vouches for them
    for path in (project_with_errors / "data").rglob("*.yaml"):
        os.utime(path, (long_ago, long_ago))
    validate(project_with_errors)
    changed = f"{DECISIONS}/2024-009-rice-label.yaml"
    path = project_with_errors / changed
    path.write_text(path.read_text(encoding="utf-8").replace("decided_on: 2024-", "decided_on: 2023-"),
                    encoding="utf-8")
    (project_with_errors / DECISIONS / "new.yml").write_text("a: 1\n", encoding="utf-8")  # discovery's own problem
    expected = summary(validate(project_with_errors, use_cache=False))

    here = os.getpid()
    def not_here(original):  # the survey's work must be done by the forked process alone
        def guarded(*args: object):
            assert os.getpid() != here, f"{original.__name__} ran in the building process"
            return original(*args)
        return guarded
    monkeypatch.setattr(checker, "discover", not_here(checker.discover))
    monkeypatch.setattr(checker._Stage, "signature", not_here(checker._Stage.signature))
    found = summary(validate(project_with_errors, with_corpus=True))
    assert found == expected
    assert any(p.code == "unknown-file" for p in found[0]) and any(p.file == changed for p in found[0])

    # Without a corpus to load (`portal validate`), or without a second processor, it is found here.
    monkeypatch.setattr(checker, "_survey", lambda root: pytest.fail("surveyed in another process"))
    with pytest.raises(AssertionError, match="discover ran in the building process"):
        validate(project_with_errors)
    monkeypatch.setattr(checker, "_workers", lambda: 1)
    with pytest.raises(AssertionError, match="discover ran in the building process"):
        validate(project_with_errors, with_corpus=True)


def test_an_edit_long_after_the_run_is_checked_too(project: Path):
    path = project / DECISION
    old = 1_600_000_000_000_000_000  # 2020: the index trusts this file's signature
    os.utime(path, ns=(old, old))
    validate(project)
    assert validate(project).problems == []
    path.write_text(path.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    assert [p.code for p in validate(project).problems] == ["schema-unknown-field"]
    path.write_text(path.read_text(encoding="utf-8").replace("unknown_field: 1\n", ""), encoding="utf-8")
    assert validate(project).problems == []


def test_a_stale_cached_result_fails_this_test(project: Path, monkeypatch: pytest.MonkeyPatch):
    """Guards the guard: a cache that answered by path alone would hide the new error."""
    validate(project)
    cached_payload = checker._Stage.cached

    def by_path_alone(stage: checker._Stage, rel: str, digest: str | None) -> object:
        if digest is None:
            return None
        return cached_payload(stage, rel, digest) or stage.store.bucket(cache.bucket_of(rel)).get(rel, (0, None))[1]

    monkeypatch.setattr(checker._Stage, "cached", by_path_alone)
    (project / DECISION).write_text("title: [\n", encoding="utf-8")
    assert "yaml-syntax" not in [p.code for p in validate(project).problems]  # the broken cache hides it
    monkeypatch.undo()
    assert "yaml-syntax" in [p.code for p in validate(project).problems]


@pytest.mark.parametrize("damage", [
    pytest.param(lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]), id="truncated"),
    pytest.param(lambda path: path.write_bytes(b""), id="empty"),
    pytest.param(lambda path: path.write_bytes(os.urandom(200)), id="garbage"),
    pytest.param(lambda path: path.write_bytes(path.read_bytes()[:32] + pickle.dumps((1, "x", {}))), id="re-signed"),
])
def test_damaged_cache_files_are_ignored_and_rebuilt(project_with_errors: Path, damage):
    expected = summary(validate(project_with_errors, use_cache=False))
    validate(project_with_errors)
    for path in (project_with_errors / cache.CACHE_DIR).iterdir():
        damage(path)
    assert summary(validate(project_with_errors)) == expected
    assert summary(validate(project_with_errors)) == expected


def test_a_cache_file_not_signed_with_this_users_key_is_never_unpickled(project: Path):
    (project / DECISION).write_text("title: [\n", encoding="utf-8")
    assert "yaml-syntax" in [p.code for p in validate(project).problems]
    genuine = checker._open_cache(project, None)
    key, _ = genuine._read("result.pickle")
    # a result claiming "no problems", as a pull request could commit it, signed with another key
    cache.Cache(project, genuine.version, key=b"k" * 32).save_result(key, [])
    assert "yaml-syntax" in [p.code for p in validate(project).problems]
    genuine.save_result(key, [])  # the same forgery with this user's key is believed:
    assert validate(project).problems == []  # so the key is what stopped it above


def test_cache_writes_are_atomic_and_leave_no_temporary_files(project_with_errors: Path):
    validate(project_with_errors)
    names = sorted(path.name for path in (project_with_errors / cache.CACHE_DIR).iterdir())
    assert names == sorted(["index.pickle", "result.pickle", "rules.pickle",
                            *{f"files-{cache.bucket_of(p):02d}.pickle" for p in _data_files(project_with_errors)}])


def _data_files(root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in (root / "data").rglob("*.yaml")]


def test_without_the_cache_nothing_is_written(project: Path, cli):
    assert validate(project, use_cache=False).problems == []
    assert cli("validate", "--root", str(project), "--no-cache")[0] == 0
    assert not (project / ".cache").exists()


def test_the_cli_writes_the_cache_by_default(project: Path, cli):
    assert cli("validate", "--root", str(project))[0] == 0
    assert (project / cache.CACHE_DIR / "index.pickle").is_file()


def test_a_result_that_depends_on_the_date_is_kept_only_until_that_date():
    born_tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%Y%m%d")
    first17 = "441825" + born_tomorrow + "000"
    text = f"facts: 当事人身份证号 {first17 + pii.id_check_char(first17)}\n"
    today = datetime.date.today()
    assert pii.find(text) == []  # not yet born: not an ID today
    assert pii.first_unborn(text, today=today) == today + datetime.timedelta(days=1)
    stage = checker._Stage(REPO, None, None)
    assert stage._usable(([], None, None))
    assert stage._usable(([], None, (today + datetime.timedelta(days=1)).toordinal()))
    assert not stage._usable(([], None, today.toordinal()))


def test_the_version_key_changes_with_the_schemas(tmp_path: Path):
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    before = cache.version_key(schema_dir=schemas)
    (schemas / "site.schema.json").write_text("{}", encoding="utf-8")
    assert cache.version_key(schema_dir=schemas) != before


def test_a_rule_that_crashes_is_an_internal_error_when_rules_run_in_two_processes(
        project: Path, monkeypatch: pytest.MonkeyPatch):
    def crash(corpus: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    monkeypatch.setattr(checker.RULES["folders"], "check", crash)
    with pytest.raises(checker.InternalError, match="规则 folders 内部出错：ValueError"):
        validate(project, use_cache=False)


def test_a_rule_that_crashes_in_the_forked_process_is_an_internal_error_too(
        project: Path, monkeypatch: pytest.MonkeyPatch):
    import time

    parent = os.getpid()

    def crash_in_the_fork(corpus: object) -> list:
        if os.getpid() == parent:
            time.sleep(0.05)  # leave rules for the other process to take
            return []
        raise ValueError("boom in the fork")

    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    for rule in checker.RULES.values():
        monkeypatch.setattr(rule, "check", crash_in_the_fork)
    with pytest.raises(checker.InternalError, match="内部出错：ValueError"):
        validate(project, use_cache=False)


def test_no_process_is_forked_while_other_threads_run(project_with_errors: Path, monkeypatch: pytest.MonkeyPatch):
    import threading

    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    assert checker._workers() > 1 or os.cpu_count() == 1
    stop = threading.Event()
    watcher = threading.Thread(target=stop.wait)  # like `portal serve`'s file watcher
    watcher.start()
    monkeypatch.setattr(forking.threading, "active_count", lambda: 2)
    try:
        assert checker._workers() == 1

        def no_fork(*args: object) -> None:
            raise AssertionError("a process was forked")

        monkeypatch.setattr(checker.multiprocessing, "get_context", no_fork)
        assert validate(project_with_errors, use_cache=False).problems
    finally:
        stop.set()
        watcher.join()


def test_the_version_key_covers_every_module_validation_imports_and_no_page_code():
    sources = cache.validation_sources()
    assert {"checker.py", "loader.py", "schemas.py", "pii.py", "cache.py", "rules/__init__.py",
            "rules/unique_ids.py", "rules/personal_data.py", "workdays.py"} <= set(sources)
    assert {f"rules/{path.name}" for path in (REPO / "generator" / "rules").glob("*.py")} <= set(sources)
    assert not [name for name in sources if name.startswith("pages/") or name in ("render.py", "build.py")]


def test_build_uses_the_cache_unless_told_not_to(project: Path, tmp_path: Path, cli):
    out = str(tmp_path / "site")
    assert cli("build", "--root", str(project), "--out", out, "--today", "2026-11-27", "--no-cache")[0] == 0
    assert not (project / ".cache").exists()
    assert checker._use_cache  # --no-cache applied to that build only
    assert cli("build", "--root", str(project), "--out", out, "--today", "2026-11-27")[0] == 0
    assert (project / cache.CACHE_DIR / "result.pickle").is_file()


def test_files_written_just_before_the_first_run_do_not_keep_the_second_from_the_whole_result(
        project_with_errors: Path, monkeypatch: pytest.MonkeyPatch):
    # The project was copied a moment ago: no file is old enough for its signature to vouch.
    monkeypatch.setattr(checker, "PARALLEL_MIN", 1)
    expected = validate(project_with_errors).problems

    def never_loaded(self: cache.Cache) -> None:
        raise AssertionError("the records were loaded although the whole result was cached")

    monkeypatch.setattr(cache.Cache, "load_buckets", never_loaded)
    assert validate(project_with_errors).problems == expected


# --- the cross-record rules that declare what they read ------------------------------------------------------


def test_a_rule_that_declares_what_it_reads_is_shown_only_those_records(project: Path):
    from generator.corpus import RECORD_KINDS
    from generator.rules import RULES

    declared = {name: module.READS for name, module in RULES.items() if hasattr(module, "READS")}
    assert declared and all(set(kinds) <= set(RECORD_KINDS) for kinds in declared.values())
    corpus = validate(project, use_cache=False).corpus
    view = corpus.only(("benchmark",))
    assert view.of("benchmark") == corpus.of("benchmark") and view.entries == corpus.entries
    assert view.of("decision") == [] and view.decisions == {} and view.items == {}
    assert view.site is not None and view.site.data == corpus.site.data  # settings are always seen


BENCHMARK = "data/agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml"


def test_a_rules_answer_is_kept_until_the_files_it_reads_change(project: Path, monkeypatch: pytest.MonkeyPatch):
    from generator.rules import benchmark_ranges, unique_doc_numbers

    runs: list[str] = []
    for module in (benchmark_ranges, unique_doc_numbers):  # one that declares what it reads, one that does not
        monkeypatch.setattr(module, "check", lambda corpus, check=module.check, name=module.__name__:
                            runs.append(name.rsplit(".", 1)[1]) or check(corpus))
    assert validate(project).problems == []
    assert runs == ["unique_doc_numbers", "benchmark_ranges"]

    decision = project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    decision.write_text(decision.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert validate(project).problems == []
    assert runs[2:] == ["unique_doc_numbers"]  # the benchmarks are unchanged: their rule's answer is kept

    benchmark = project / BENCHMARK  # the lightest tier above the statutory maximum
    benchmark.write_text(benchmark.read_text(encoding="utf-8").replace("max: 60000", "max: 160000", 1),
                         encoding="utf-8")
    found = validate(project).problems
    assert runs[3:] == ["unique_doc_numbers", "benchmark_ranges"]
    assert "tier-outside-statutory" in {problem.code for problem in found}
    assert found == validate(project, use_cache=False).problems
    del runs[:]
    decision.write_text(decision.read_text(encoding="utf-8").replace("facts: 经复核，", "facts: ", 1), encoding="utf-8")
    assert validate(project).problems == found  # kept, with its problem
    assert runs == ["unique_doc_numbers"]


def test_rules_expected_to_take_little_time_run_in_this_process(project_with_errors: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    from generator.rules import RULES

    monkeypatch.setattr(checker, "PARALLEL_MIN", 2)  # rules shared out from 4 records; the changed file checked here
    forks: list[object] = []
    context = checker.multiprocessing.get_context
    monkeypatch.setattr(checker.multiprocessing, "get_context", lambda *args: forks.append(args) or context(*args))
    validate(project_with_errors)
    assert forks  # how long each rule takes is not known yet: shared with a forked process
    seconds = checker._open_cache(project_with_errors, None).rules()["seconds"]
    assert set(seconds) == set(RULES) and all(isinstance(took, float) for took in seconds.values())

    decision = project_with_errors / DECISIONS / "2024-009-rice-label.yaml"
    def edit(before: str, after: str) -> None:
        decision.write_text(decision.read_text(encoding="utf-8").replace(before, after, 1), encoding="utf-8")
    edit("facts: ", "facts: 经复核，")
    del forks[:]
    found = validate(project_with_errors).problems
    assert forks == []  # a changed decision: the rules left to run take a fraction of a second
    assert found == validate(project_with_errors, use_cache=False).problems

    # A rule that checks files one by one is expected to take its share of its time for the files it is given.
    store = checker._open_cache(project_with_errors, None)
    kept = store.rules()
    decisions = len([*(project_with_errors / "data/agencies").glob("*/decisions/*/*.yaml")])
    each = {name: decisions * 0.002 if getattr(module, "EACH", ()) == ("decision",) else 0.002
            for name, module in RULES.items()}
    store.save_rules({**kept, "seconds": each})
    edit("facts: 经复核，", "facts: ")
    del forks[:]
    assert validate(project_with_errors).problems == found
    assert forks == []

    # Rules that took long when they last ran whole are shared out again, though few files changed.
    store.save_rules({**store.rules(), "seconds": dict.fromkeys(RULES, 60.0)})
    edit("facts: ", "facts: 经复核，")
    del forks[:]
    validate(project_with_errors)
    assert forks


def test_a_rule_that_checks_files_one_by_one_checks_again_only_the_changed_ones(project: Path,
                                                                              monkeypatch: pytest.MonkeyPatch):
    from generator.rules import decision_fines

    seen: list[list[str]] = []
    monkeypatch.setattr(decision_fines, "check", lambda corpus, check=decision_fines.check:
                        seen.append(sorted(document.file for document in corpus.of("decision"))) or check(corpus))
    folder = project / "data/agencies/lsscjgj/decisions/2024"
    decision, other = folder / "2024-012.yaml", folder / "2024-013.yaml"
    original = decision.read_text(encoding="utf-8")
    other.write_text(original.replace("〔2024〕12号", "〔2024〕13号"), encoding="utf-8")
    assert validate(project).problems == []
    assert seen[-1] == [rel(decision, project), rel(other, project)]  # the first time, every decision

    decision.write_text(original.replace("fine: 50000", "fine: 9990000", 1), encoding="utf-8")
    found = validate(project).problems
    assert seen[-1] == [rel(decision, project)]
    assert [problem.code for problem in found] == ["fine-outside-tier"]
    assert found == validate(project, use_cache=False).problems

    other.write_text(other.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert validate(project).problems == found  # what was found about the unchanged one is kept
    assert seen[-1] == [rel(other, project)]

    decision.unlink()  # removed: what was found about it goes with it
    assert validate(project).problems == [] == validate(project, use_cache=False).problems


def rel(path: Path, project: Path) -> str:
    return path.relative_to(project).as_posix()


def test_a_rule_that_reports_on_other_files_than_it_checks_one_by_one_is_run_whole(project: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch):
    from generator.problems import Problem
    from generator.rules import RULES

    def check(corpus):  # says it checks decisions one by one, but reports on each agency's file
        for document in corpus.of("decision"):
            agency = corpus.agencies[document.placement.agency][0].file
            yield Problem("too-few-officers", f"{document.file}", agency)

    monkeypatch.setitem(RULES, "pretending", SimpleNamespace(check=check, READS=("agency", "decision"),
                                                             EACH=("decision",)))
    first = validate(project).problems
    assert any(problem.file.endswith("agency.yaml") for problem in first)
    decision = project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    decision.write_text(decision.read_text(encoding="utf-8").replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")
    assert validate(project).problems == first == validate(project, use_cache=False).problems


def test_a_misplaced_file_is_found_on_every_run_though_only_changed_files_are_checked_again(project: Path):
    calendar = project / "data/calendar/2026.yaml"
    calendar.parent.mkdir(parents=True, exist_ok=True)
    calendar.write_text("year: 2025\n", encoding="utf-8")  # a setting named for another year
    decision = project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    original = decision.read_text(encoding="utf-8")
    decision.write_text(original.replace("decided_on: 2024-", "decided_on: 2023-", 1), encoding="utf-8")
    first = [(problem.code, problem.file) for problem in validate(project).problems if problem.code == "wrong-folder"]
    assert first == [("wrong-folder", rel(decision, project)), ("wrong-folder", rel(calendar, project))]
    decision.write_text(original.replace("facts: ", "facts: 经复核，", 1), encoding="utf-8")  # moved back in time
    again = [(problem.code, problem.file) for problem in validate(project).problems if problem.code == "wrong-folder"]
    assert again == [("wrong-folder", rel(calendar, project))]
    assert validate(project).problems == validate(project, use_cache=False).problems
