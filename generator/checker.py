"""The validation pipeline: discover → load → schema → cross-record rules → locate → sort.

Every stage returns problems as values; nothing here prints or exits (cli.py does).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, replace
from pathlib import Path as FsPath
from collections.abc import Iterable

from . import loader
from .corpus import Corpus, Document
from .layout import discover
from .problems import Problem, sort_problems
from .rules import RULES, SOURCE_RULES, personal_data
from .schemas import SchemaSet, coerce, iter_schema_problems


class InternalError(Exception):
    """A bug in the portal itself (never bad data): the CLI exits 2 and asks for a report."""


@dataclass
class Result:
    corpus: Corpus
    problems: list[Problem]


def load_corpus(root: FsPath, schemas: SchemaSet | None = None) -> tuple[Corpus, list[Problem]]:
    """Load and schema-check every data file under `root`."""
    schemas = schemas or SchemaSet()
    placements, problems = discover(root)
    documents: list[Document] = []
    for placement in placements:
        loaded = loader.load_file(root / placement.rel, placement.rel)
        problems.extend(loaded.problems)
        if loaded.raw is not None:
            for rule in SOURCE_RULES.values():
                problems.extend(rule.check_source(loaded.raw, placement))
        if loaded.data is None:
            continue
        tracked: list = []
        data = coerce(loaded.data, schemas.shape(placement.kind), (), tracked)
        schema_problems = list(iter_schema_problems(schemas, placement.kind, data, placement.rel))
        problems.extend(schema_problems)
        documents.append(Document(placement, data, tracked, valid=not schema_problems))
    return Corpus(root, documents), problems


def run_rules(corpus: Corpus) -> list[Problem]:
    problems: list[Problem] = []
    for name, rule in RULES.items():
        try:
            problems.extend(rule.check(corpus))
        except Exception as exc:  # a rule must never turn bad data into a traceback
            raise InternalError(f"规则 {name} 内部出错：{exc!r}\n{traceback.format_exc()}") from exc
    return problems


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


def validate(root: FsPath, schemas: SchemaSet | None = None) -> Result:
    corpus, problems = load_corpus(root, schemas)
    problems.extend(run_rules(corpus))
    problems = personal_data.apply_allowlist(corpus, problems)  # reviewed false positives
    return Result(corpus, sort_problems(locate_all(root, problems)))
