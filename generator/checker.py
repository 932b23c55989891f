"""The validation pipeline: discover → load → schema → cross-record rules → locate → sort.

Every stage returns problems as values; nothing here prints or exits (cli.py does).

The per-file stage (load, source rules, types, schema) is most of the time: it runs in a
process pool when there are many files (both cores of a CI runner halve a county's ~50,000
files), and its results are cached by content (cache.py). Either way the problems and the
corpus are the same, in the same order, as checking every file in turn.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import hashlib
import marshal
import multiprocessing
import os
import pickle
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path as FsPath
from typing import Any

from . import cache, forking, loader, pii
from .corpus import RECORD_KINDS, Corpus, Document
from .layout import Placement, discover
from .problems import Problem, sort_problems
from .rules import RULES, SOURCE_RULES, personal_data
from .schemas import SCHEMA_DIR, SchemaSet, coerce, iter_schema_problems


class InternalError(Exception):
    """A bug in the portal itself (never bad data): the CLI exits 2 and asks for a report."""


class Result:
    """Every problem found, and the corpus they were found in. When the whole result came from
    the cache the corpus is loaded only if asked for (``portal build`` asks, ``validate`` does not)."""

    def __init__(self, corpus: Corpus | Callable[[], Corpus], problems: list[Problem], files: list[str] | None = None):
        self._corpus = corpus
        self.problems = problems
        #: every file under data/ that was looked at: the data files, and those reported as misplaced or links
        self.files = files if files is not None else []

    @property
    def corpus(self) -> Corpus:
        if not isinstance(self._corpus, Corpus):
            self._corpus = self._corpus()
        return self._corpus


#: Below this many files to check, starting a process pool costs more than it saves.
PARALLEL_MIN = 2000
#: What checking a file costs beyond its bytes, in bytes' worth (opening, hashing, storing it).
_FILE_COST = 1000

#: What the per-file stage produces for one file: its problems; (data, tracked, valid) when it
#: loaded; and, as an ordinal, the day from which the result may change (pii.first_unborn).
Payload = tuple[list[Problem], Any, "int | None"]


def check_file(raw: bytes, placement: Placement, schemas: SchemaSet, today: datetime.date) -> Payload:
    """The per-file stage on one file's bytes: load, source rules, types, schema."""
    loaded = loader.load_bytes(raw, placement.rel)
    problems = loaded.problems
    expires = None
    if len(raw) <= loader.MAX_BYTES:
        text = loaded.text if loaded.text is not None else raw.decode("utf-8", errors="replace")
        for rule in SOURCE_RULES.values():
            problems.extend(rule.check_source(text, placement))
        unborn = pii.first_unborn(text, today=today)
        expires = unborn.toordinal() if unborn is not None else None
    if loaded.data is None:
        return problems, None, expires
    tracked: list = []
    data = coerce(loaded.data, schemas.shape(placement.kind), (), tracked)
    schema_problems = list(iter_schema_problems(schemas, placement.kind, data, placement.rel))
    problems.extend(schema_problems)
    return problems, (data, tracked, not schema_problems), expires


#: One checked file: (path, signature before reading, SHA-256 of its bytes, payload). The
#: signature and hash are None when the file was not read whole (unreadable, too large).
Checked = tuple[str, "cache.Signature | None", "str | None", Payload]


class _Stage:
    """The per-file stage over a whole project, with its cache and, for many files, a pool."""

    def __init__(self, root: FsPath, schemas: SchemaSet | None, store: cache.Cache | None):
        self.root = root
        self._schemas = schemas
        self.store = store
        self.today = datetime.date.today()
        self.started_ns = time.time_ns()
        #: the SHA-256 of every file read whole or vouched for by the index, this run
        self.digests: dict[str, str] = {}
        #: the size of every file whose signature `known_digests` read (to share out the work)
        self.sizes: dict[str, int] = {}

    @property
    def schemas(self) -> SchemaSet:
        if self._schemas is None:
            self._schemas = SchemaSet()
        return self._schemas

    def signature(self, rel: str) -> cache.Signature | None:
        try:
            return cache.signature(os.stat(os.path.join(self.root, rel)))
        except OSError:
            return None

    def known_digests(self, placements: list[Placement],
                      signatures: dict[str, cache.Signature | None] | None = None) -> dict[str, str]:
        """Every file's hash: as the cache's index vouches for it, else read and hashed here
        when only a few are unknown (many unknown files are hashed by the workers instead).
        `signatures`: each file's, when another process took them (`_survey`)."""
        signature = self.signature if signatures is None else signatures.get
        if self.store is None or (not self.store.index and len(placements) >= PARALLEL_MIN):
            # Nothing can vouch (no cache, or a first run, whose workers hash every file). Only the
            # sizes of the files that are not decisions are worth a look, to share out the work
            # (`largest_first`): a county's benchmark and item lists, up to ~1 MB each, beside
            # 50,000 decisions of ~1 KB, one to a file.
            for placement in placements:
                if placement.kind != "decision" and (sig := signature(placement.rel)) is not None:
                    self.sizes[placement.rel] = sig[0]
            return {}
        known: dict[str, str] = {}
        unknown: list[tuple[str, cache.Signature]] = []
        for placement in placements:
            sig = signature(placement.rel)
            digest = self.store.known_digest(placement.rel, sig) if sig is not None else None
            if sig is not None:
                self.sizes[placement.rel] = sig[0]
            if digest is not None:
                known[placement.rel] = digest
            elif sig is not None and sig[0] <= loader.MAX_BYTES:
                unknown.append((placement.rel, sig))
        # Many unknown files are hashed by the workers on a first run; once the cache knows the
        # tree (files written just before the last run, like a fresh clone, cannot vouch by
        # their signature yet), hashing them here is what lets the whole result be reused.
        if len(unknown) < PARALLEL_MIN or self.store.index:
            for rel, sig in unknown:
                try:
                    digest = hashlib.sha256((self.root / rel).read_bytes()).hexdigest()
                except OSError:
                    continue
                known[rel] = digest
                self.store.record(rel, sig, digest, self.trusted(sig))
        return known

    def trusted(self, sig: cache.Signature) -> bool:
        # like Git's "racily clean" entries: a file changed within the timestamp granularity
        # of this run could keep its signature, so only an older one may vouch for the hash
        return max(sig[1], sig[2]) < self.started_ns - cache.RACY_NS

    def _usable(self, payload: Payload | None) -> bool:
        return payload is not None and (payload[2] is None or self.today.toordinal() < payload[2])

    def cached(self, rel: str, digest: str | None) -> Payload | None:
        if self.store is None or digest is None:
            return None
        payload = self.store.payload(rel, digest)
        return payload if self._usable(payload) else None

    def check(self, placement: Placement) -> tuple[Checked, bool]:
        """Check one file, or find it in the cache by its content: (checked, computed)."""
        rel = placement.rel
        sig, raw = _read(os.path.join(self.root, rel))
        if raw is None or len(raw) > loader.MAX_BYTES:
            loaded = loader.load_file(self.root / rel, rel)  # says why, in the loader's words
            return (rel, None, None, (loaded.problems, None, None)), True
        digest = hashlib.sha256(raw).hexdigest()
        payload = self.cached(rel, digest)
        if payload is not None:
            return (rel, sig, digest, payload), False
        return (rel, sig, digest, check_file(raw, placement, self.schemas, self.today)), True

    def record(self, checked: Checked, computed: bool) -> None:
        rel, sig, digest, payload = checked
        if digest is not None:
            self.digests[rel] = digest
        if self.store is None or sig is None or digest is None:
            return
        self.store.record(rel, sig, digest, self.trusted(sig))
        if computed:
            self.store.store(rel, digest, payload)

    def run(self, placements: list[Placement], known: dict[str, str]) -> dict[str, Payload]:
        """Every placement's payload: from the cache where the index vouches for the file's
        hash, else checked (in a process pool when there are many)."""
        payloads: dict[str, Payload] = {}
        pending: list[Placement] = []
        for placement in placements:
            payload = self.cached(placement.rel, known.get(placement.rel))
            if payload is not None:
                payloads[placement.rel] = payload
                self.digests[placement.rel] = known[placement.rel]
            else:
                pending.append(placement)
        if len(pending) >= PARALLEL_MIN and _workers() > 1:
            self._parallel(placements, pending, payloads)
        else:
            for placement in pending:
                checked, computed = self.check(placement)
                payloads[checked[0]] = checked[3]
                self.record(checked, computed)
        return payloads

    def _parallel(self, placements: list[Placement], pending: list[Placement],
                  payloads: dict[str, Payload]) -> None:
        # Work is split by cache bucket, so a worker that checks every file of a bucket (a
        # cold run) also pickles and writes that bucket: the data is pickled once, in parallel.
        tasks: dict[int, list[Placement]] = {}
        for placement in pending:
            tasks.setdefault(cache.bucket_of(placement.rel), []).append(placement)
        counts: dict[int, int] = {}
        for placement in placements:
            number = cache.bucket_of(placement.rel)
            counts[number] = counts.get(number, 0) + 1
        for kind in sorted({placement.kind for placement in pending}):
            self.schemas.shape(kind)  # built here once, inherited by every worker
            self.schemas.fast_validator(kind)
        jobs = [(number, members, len(members) == counts[number])
                for number, members in largest_first(tasks, self.sizes)]
        global _FORKED
        _FORKED = self
        try:
            with multiprocessing.get_context("fork").Pool(_workers()) as pool:
                for number, whole, blob, others, index in pool.imap_unordered(_work, jobs):
                    _, _, entries = pickle.loads(blob)  # noqa: S301 - from our worker
                    for rel, sig, digest, computed in index:
                        payload = entries[rel][1] if digest is not None else others[rel]
                        payloads[rel] = payload
                        self.record((rel, sig, digest, payload), computed and not whole)
                    if whole and self.store is not None:
                        self.store.replace_bucket(number, entries)
        finally:
            _FORKED = None


def _read(path: str) -> tuple[cache.Signature | None, bytes | None]:
    """A file's signature and bytes (None past ``MAX_BYTES``), or (None, None) if it cannot be
    read. One descriptor for both, without a file object: for a county's 50,000 small files
    this is a quarter of the time of stat, open and read."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None, None
    try:
        sig = cache.signature(os.fstat(fd))
        if sig[0] > loader.MAX_BYTES:
            return sig, None
        chunks, size = [], 0
        while size <= loader.MAX_BYTES:  # until the end, which a file still being written may move
            chunk = os.read(fd, sig[0] - size + 1 if size < sig[0] else 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return sig, b"".join(chunks)
    except OSError:
        return None, None
    finally:
        os.close(fd)


def largest_first(tasks: dict[int, list[Placement]], sizes: dict[str, int]) -> list[tuple[int, list[Placement]]]:
    """The buckets' work in the order to hand it out: the largest first, by bytes where known
    (`sizes`). A bucket holding several of a county's ~1 MB benchmark files takes four times as
    long as one of decisions alone; handed out last, it would leave the other worker idle."""
    def weight(members: list[Placement]) -> int:
        return sum(sizes.get(placement.rel, 0) + _FILE_COST for placement in members)
    return sorted(tasks.items(), key=lambda task: (-weight(task[1]), task[0]))


_FORKED: _Stage | None = None  # the stage a forked worker inherits


def _work(job: tuple[int, list[Placement], bool]) -> tuple[int, bool, bytes, dict[str, Payload], list]:
    """In a worker: check one bucket's files; write the bucket when it holds all of them.

    Returns the bucket's pickle (what the cache file holds, so the data is pickled once), the
    payloads of files that cannot be cached, and (path, signature, hash, computed) per file."""
    stage = _FORKED
    assert stage is not None  # noqa: S101 - set before the pool forks
    number, members, whole = job
    with _gc_paused():
        entries: dict[str, tuple[str, Payload]] = {}
        others: dict[str, Payload] = {}
        index = []
        for placement in members:
            (rel, sig, digest, payload), computed = stage.check(placement)
            if digest is None:
                others[rel] = payload
            else:
                entries[rel] = (digest, payload)
            index.append((rel, sig, digest, computed))
        blob = cache.bucket_bytes(stage.store.version if stage.store else "", entries)
        if whole and stage.store is not None:
            stage.store.write(f"files-{number:02d}.pickle", blob)
        return number, whole, blob, others, index


def _workers() -> int:
    """How many processes may share the work (forking.processors)."""
    return forking.processors()


class _Pause:
    """What `_gc_paused` does at its end: `keep`, freeze what exists (settled once the files are found)."""

    def __init__(self, keep: bool):
        self.keep = keep


@contextlib.contextmanager
def _gc_paused(*, keep: bool = False) -> Iterator[_Pause]:
    """Loading creates millions of small containers and no reference cycles: the cyclic
    collector would walk them all again and again for nothing (~15% of the time).

    With `keep` (a large corpus, which lives as long as the process), what exists at the end
    is frozen (gc.freeze): no collection ever walks it again, here or while the site renders."""
    enabled = gc.isenabled()
    gc.disable()
    pause = _Pause(keep)
    try:
        yield pause
    finally:
        if pause.keep:
            gc.freeze()
        if enabled:
            gc.enable()


def _corpus(root: FsPath, placements: list[Placement], payloads: dict[str, Payload],
            digests: dict[str, str]) -> tuple[Corpus, list[Problem]]:
    documents: list[Document] = []
    problems: list[Problem] = []
    for placement in placements:
        found, document, _ = payloads[placement.rel]
        problems.extend(found)
        if document is not None:
            data, tracked, valid = document
            documents.append(Document(placement, data, tracked, valid=valid))
    corpus = Corpus(root, documents)
    corpus.digests = {document.file: digests[document.file] for document in documents if document.file in digests}
    return corpus, problems


def load_corpus(root: FsPath, schemas: SchemaSet | None = None, *,
                use_cache: bool = False) -> tuple[Corpus, list[Problem]]:
    """Load and schema-check every data file under `root`."""
    placements, problems = discover(root)
    with _gc_paused(keep=len(placements) >= PARALLEL_MIN):
        stage = _Stage(root, schemas, _open_cache(root, schemas) if use_cache else None)
        known = stage.known_digests(placements)
        if stage.store is not None:
            stage.store.load_buckets()
        corpus, found = _corpus(root, placements, stage.run(placements, known), stage.digests)
        if stage.store is not None:
            stage.store.save({placement.rel for placement in placements})
    return corpus, problems + found


def _open_cache(root: FsPath, schemas: SchemaSet | None) -> cache.Cache:
    if schemas is None:
        return cache.Cache(root, cache.version_key(schema_dir=SCHEMA_DIR))
    return cache.Cache(root, cache.version_key(schema_documents=schemas.documents))


def run_rules(corpus: Corpus, store: cache.Cache | None = None,
              today: datetime.date | None = None) -> list[Problem]:
    """Every cross-record rule's problems, in the order of RULES. For a large corpus a forked
    process shares the rules with this one (each takes the next rule not yet taken), so both
    cores work.

    A rule whose module declares ``READS`` (the record kinds it reads) runs on the corpus as a
    reader of those kinds sees it (`Corpus.only`): it cannot depend on anything else. With a
    cache (`store`), what it found is kept under a key made of those files' SHA-256, the version
    key and the day (`today`), and not found again while they are unchanged: a changed decision
    does not run the benchmark rules again. A rule that also declares ``EACH`` (the kinds whose
    files it checks one by one) keeps its answer while the files of its other kinds are unchanged
    and checks again only the files of those kinds that changed, on a view holding just them: a
    changed decision is checked again, the county's other 49,999 are not."""
    known = store.rules() if store is not None and today is not None else None
    if store is not None and known is not None and today is not None:
        plans = _plan_rules(corpus, store.version, today, known)
    else:
        plans = {name: _Plan(None) for name in RULES}
    found = {name: plan.kept for name, plan in plans.items() if plan.kept is not None and plan.files is None}
    tasks = [(name, plans[name].files) for name in RULES if name not in found]
    checked: dict[tuple[str, ...], set[str]] = {}  # the files of the kinds a rule checks one by one
    timed = known.get("seconds") if known is not None and isinstance(known.get("seconds"), dict) else {}
    seconds = dict(timed)
    for name, (problems, whole, took) in _run_all(corpus, tasks, _expected(corpus, tasks, timed)).items():
        if whole:
            seconds[name] = took
        plan = plans[name]
        each = tuple(getattr(RULES[name], "EACH", ()))
        if not whole:  # the changed files' problems beside those kept about the others
            problems = [*(plan.kept or ()), *problems]
        elif each and plan.key is not None:
            if each not in checked:
                checked[each] = {document.file for kind in each for document in corpus.of(kind)}
            if plan.files is not None or any(problem.file not in checked[each] for problem in problems):
                plan.key = None  # a problem about another file: not checked one by one after all
        found[name] = problems
    if store is not None and known is not None and any(plans[name].key is not None for name, _ in tasks):
        store.save_rules({"digests": _each_digests(corpus), "seconds": seconds,
                          "rules": {name: (plan.key, found[name]) for name, plan in plans.items()
                                    if plan.key is not None}})
    corpus.forget_views()  # the corpus lives on through the build; the rules' views need not
    return [problem for name in RULES for problem in found[name]]


class _Plan:
    """How a rule is run this time: `key`, what its answer depends on (None: not kept); `kept`,
    the problems kept from the last run (all of them, or with `files`, those about the files
    not checked again); `files`, the changed files of its EACH kinds, to check again (None: the
    whole corpus, or nothing when `kept` holds the whole answer)."""

    def __init__(self, key: str | None, kept: list[Problem] | None = None, files: frozenset[str] | None = None):
        self.key, self.kept, self.files = key, kept, files


def _plan_rules(corpus: Corpus, version: str, today: datetime.date, known: dict[str, Any]) -> dict[str, _Plan]:
    """Each rule's plan (`_Plan`), from what the cache kept of the last run (`known`)."""
    kinds = {kind: corpus.digest_of((kind,)) for kind in corpus.by_kind}
    answers = known.get("rules") if isinstance(known.get("rules"), dict) else {}
    before = known.get("digests") if isinstance(known.get("digests"), dict) else {}
    now = corpus.digests
    # Per kind: the files that changed since the last run (or are new, or unreadable).
    changed_of = {kind: frozenset(document.file for document in documents
                                  if document.file not in now or before.get(document.file) != now[document.file])
                  for kind, documents in corpus.by_kind.items()}
    plans = {}
    for name, module in RULES.items():
        reads, each = getattr(module, "READS", None), tuple(getattr(module, "EACH", ()))
        if reads is None:
            plans[name] = _Plan(None)
            continue
        seen = sorted(kind for kind in kinds if (kind not in RECORD_KINDS or kind in reads) and kind not in each)
        if any(kinds[kind] is None for kind in seen):
            plans[name] = _Plan(None)
            continue
        digest = hashlib.sha256(f"{version}\0{today.isoformat()}\0{name}\0{sorted(reads)}\0{sorted(each)}\0".encode())
        for kind in seen:
            digest.update(f"{kind}\0{kinds[kind]}\n".encode())
        key = digest.hexdigest()
        answer = answers.get(name)
        if not (isinstance(answer, tuple) and len(answer) == 2 and answer[0] == key):
            plans[name] = _Plan(key)
            continue
        if not each:
            plans[name] = _Plan(key, answer[1])
            continue
        changed = frozenset().union(*(changed_of.get(kind, ()) for kind in each))
        # Not about a changed file, nor about one since removed (`kept` holds only the files of `each`).
        kept = [problem for problem in answer[1] if problem.file not in changed and problem.file in now]
        plans[name] = _Plan(key, kept, changed or None)
    return plans


def _each_digests(corpus: Corpus) -> dict[str, str]:
    """The SHA-256 of every file a rule checks one by one (`EACH`), as checked this time."""
    kinds = {kind for module in RULES.values() for kind in getattr(module, "EACH", ())}
    return {document.file: corpus.digests[document.file] for kind in kinds for document in corpus.of(kind)
            if document.file in corpus.digests}


#: A rule to run: its name, and the files of its EACH kinds to check (None: the whole corpus).
_Task = tuple[str, "frozenset[str] | None"]
#: A rule's problems, whether they are its whole answer (else those about the files it was given),
#: and how long it took (seconds).
_Found = tuple[list[Problem], bool, float]
#: Rules expected to take less than this (seconds, in all) run in this process: forking a process
#: holding a county's corpus, and the copies of the memory pages this one then writes to (~70,000
#: page faults), cost more than the second core saves.
PARALLEL_RULES_S = 0.5


def _expected(corpus: Corpus, tasks: list[_Task], seconds: dict[str, Any]) -> float | None:
    """How long `tasks` should take, from how long each rule took when it last ran whole (`seconds`;
    a rule given some files of its EACH kinds, that share of it); None if a rule's time is unknown."""
    total = 0.0
    for name, files in tasks:
        took = seconds.get(name)
        if not isinstance(took, float):
            return None
        if files is not None:
            each = getattr(RULES[name], "EACH", ())
            took *= len(files) / max(1, sum(len(corpus.of(kind)) for kind in each))
        total += took
    return total


def _run_all(corpus: Corpus, tasks: list[_Task], expected: float | None = None) -> dict[str, _Found]:
    size = sum(len(corpus.documents) if files is None else len(files) for _, files in tasks)
    if (size < 2 * PARALLEL_MIN or _workers() < 2 or len(tasks) < 2
            or (expected is not None and expected < PARALLEL_RULES_S)):
        found = _run_rules(corpus, tasks)
    else:
        corpus.index_all()  # made once here, inherited by the fork
        context = multiprocessing.get_context("fork")
        global _FORKED_RULES
        _FORKED_RULES = (corpus, tasks, context.Value("i", 0))
        try:
            with context.Pool(1) as pool:
                theirs = pool.apply_async(_rules_in_worker)
                found = _take_rules()
                found.update(theirs.get())
        finally:
            _FORKED_RULES = None
    return found


_FORKED_RULES: tuple[Corpus, list[_Task], Any] | None = None  # (corpus, rules to run, next rule's index)


def _take_rules() -> dict[str, _Found]:
    """Run the next rule no process has taken yet, until none is left."""
    assert _FORKED_RULES is not None  # noqa: S101 - set before the pool forks
    corpus, tasks, counter = _FORKED_RULES
    found: dict[str, _Found] = {}
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index >= len(tasks):
            return found
        found.update(_run_rules(corpus, [tasks[index]]))


def _rules_in_worker() -> dict[str, _Found]:
    with _gc_paused():
        return _take_rules()


def _run_rules(corpus: Corpus, tasks: list[_Task]) -> dict[str, _Found]:
    """Each rule's problems, whether they are its whole answer (else those about `files`), and its time."""
    found: dict[str, _Found] = {}
    for name, files in tasks:
        module = RULES[name]
        started = time.perf_counter()
        reads, each = getattr(module, "READS", None), tuple(getattr(module, "EACH", ()))
        try:
            if files is not None:
                problems = list(module.check(corpus.only(reads, each=each, files=files)))
                if all(problem.file in files for problem in problems):
                    found[name] = (problems, False, time.perf_counter() - started)
                    continue
                # A problem about another file: the rule does not check the files one by one as it
                # says. Its whole answer, then, found again every time (run_rules keeps none).
            problems = list(module.check(corpus if reads is None else corpus.only(reads)))
        except Exception as exc:  # a rule must never turn bad data into a traceback
            raise InternalError(f"规则 {name} 内部出错：{exc!r}\n{traceback.format_exc()}") from exc
        found[name] = (problems, True, time.perf_counter() - started)
    return found


def locate_all(root: FsPath, problems: Iterable[Problem]) -> list[Problem]:
    """Fill in line and column from the YAML source for problems that only have a path."""
    trees: dict[str, object] = {}
    located: list[Problem] = []
    for problem in problems:
        if problem.line == 0:
            if problem.file not in trees:
                trees[problem.file] = _compose(root / problem.file)
            line, column = loader.locate(trees[problem.file], problem.path, at_key=problem.at_key)
            problem = replace(problem, line=line, column=column)
        located.append(problem)
    return located


def _compose(path: FsPath) -> object:
    try:
        return loader.compose(path.read_bytes())
    except Exception:  # unreadable or unparsable: its own problem is already reported
        return None


_use_cache = True  # the default of `validate`, see `caching`


@contextlib.contextmanager
def caching(enabled: bool) -> Iterator[None]:
    """Whether `validate` uses the cache when its caller does not say (``portal build --no-cache``)."""
    global _use_cache
    before, _use_cache = _use_cache, enabled
    try:
        yield
    finally:
        _use_cache = before


def validate(root: FsPath, schemas: SchemaSet | None = None, *, use_cache: bool | None = None,
             with_corpus: bool = False) -> Result:
    """Every problem of the project at `root`; with the cache (the default), reusing what
    .cache/portal/ knows about unchanged files and, for an unchanged tree, the whole answer.
    `with_corpus`: the caller will read the result's corpus (``portal build``), whose records are then
    loaded from the cache while another process finds the files (`_find`)."""
    use_cache = _use_cache if use_cache is None else use_cache
    with _gc_paused() as pause:
        stage = _Stage(root, schemas, _open_cache(root, schemas) if use_cache else None)
        placements, found, signatures = _find(root, stage, with_corpus)
        pause.keep = len(placements) >= PARALLEL_MIN
        files = [placement.rel for placement in placements] + [problem.file for problem in found]
        known = stage.known_digests(placements, signatures)
        key = _result_key(root, stage, placements, found, known)
        if stage.store is not None and key is not None:
            problems = stage.store.result(key)
            if isinstance(problems, list):
                return Result(lambda: _cached_corpus(root, stage, placements, known), problems, files)
        if stage.store is not None:
            stage.store.load_buckets()
        corpus, loaded = _corpus(root, placements, stage.run(placements, known), stage.digests)
        if stage.store is not None:
            stage.store.save({placement.rel for placement in placements})
        problems = found + loaded
        problems.extend(run_rules(corpus, stage.store, stage.today))
        problems = personal_data.apply_allowlist(corpus, problems)  # reviewed false positives
        problems = sort_problems(locate_all(root, problems))
        if stage.store is not None:
            key = _result_key(root, stage, placements, found, stage.digests)
            if key is not None:
                stage.store.save_result(key, problems)
    return Result(corpus, problems, files)


def _find(root: FsPath, stage: _Stage, with_corpus: bool,
          ) -> tuple[list[Placement], list[Problem], dict[str, cache.Signature | None] | None]:
    """`discover`, and each file's signature when another process took it (else None: `known_digests`
    takes them). For a build over a large cached tree, a forked process finds the files and takes
    their signatures (`_survey`, ~0.6 s for a county's 50,000) while this one loads the cached records
    (~0.6 s), which the build's corpus is made of whatever changed. Either way the answer is the same."""
    store = stage.store
    if not (with_corpus and store is not None and len(store.index) >= PARALLEL_MIN and _workers() > 1):
        placements, found = discover(root)
        return placements, found, None
    survey = forking.Job(_survey, root)
    store.load_buckets()
    surveyed, found = survey.result()
    placements, signatures = [], {}
    for kind, rel, agency, stem, year, sig in marshal.loads(surveyed):  # noqa: S302 - from our own child
        placements.append(Placement(kind, rel, agency, stem, year))
        signatures[rel] = sig
    return placements, found, signatures


def _survey(root: FsPath) -> tuple[bytes, list[Problem]]:
    """In a forked process (`_find`): every file `discover` finds, with its signature, as marshal (a
    county's 50,000 placements are 8 MB, read back in 0.05 s; pickled objects took three times
    as long), and the problems it reports."""
    placements, found = discover(root)
    rows = []
    for placement in placements:
        try:
            sig = cache.signature(os.stat(os.path.join(root, placement.rel)))
        except OSError:
            sig = None
        rows.append((placement.kind, placement.rel, placement.agency, placement.stem, placement.year, sig))
    return marshal.dumps(rows), found


def _result_key(root: FsPath, stage: _Stage, placements: list[Placement], found: list[Problem],
                digests: dict[str, str]) -> str | None:
    """What the whole result depends on: every file's content, the files discovery reported
    (unknown, symlinked), the agencies folder rules look for, the version and the day."""
    if stage.store is None or any(placement.rel not in digests for placement in placements):
        return None
    digest = hashlib.sha256(f"{stage.store.version}\n{stage.today.isoformat()}\n".encode())
    digest.update(f"{(root / 'data' / 'agencies').is_dir()}\n".encode())
    for placement in placements:
        digest.update(f"{placement.rel}\0{digests[placement.rel]}\n".encode())
    for problem in found:
        digest.update(f"{problem!r}\n".encode())
    return digest.hexdigest()


def _cached_corpus(root: FsPath, stage: _Stage, placements: list[Placement], known: dict[str, str]) -> Corpus:
    """The corpus behind a cached result: the cached payloads, or the files where one is missing."""
    with _gc_paused(keep=len(placements) >= PARALLEL_MIN):
        if stage.store is not None:
            stage.store.load_buckets()
        corpus, _ = _corpus(root, placements, stage.run(placements, known), stage.digests)
    return corpus
