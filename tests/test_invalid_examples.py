"""Every file in tests/data/invalid/ is a minimal valid record with one thing wrong.

A case is placed over the matching file of the minimal valid project (tests/data/valid/)
and the whole project is validated: the problems must be exactly the expected
(code, line, column) list. A file without an expectation, or an expectation without a
file, fails the suite.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.checker import validate

from .conftest import INVALID

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
SECOND_DECISION = "data/agencies/lsscjgj/decisions/2024/2024-013.yaml"
ITEMS = "data/agencies/lsscjgj/items.yaml"
PERSONNEL = "data/agencies/lsscjgj/personnel.yaml"
BENCHMARK = "data/agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml"
AGENCY = "data/agencies/lsscjgj/agency.yaml"
UPSTREAM = "data/upstream/benchmarks/gd-scjg-2022.yaml"
ALLOWLIST = "data/pii-allowlist.yaml"
CLASHING_DECISION = "data/agencies/lsscjgj/decisions/2024/012.yaml"  # its address is 2024-012, like the valid one
TOWN_DECISION = "data/agencies/jitian/decisions/2024/2024-001.yaml"

EXPECTED: dict[str, tuple[str, list[tuple[str, int, int]]]] = {
    # strict YAML
    "yaml-alias_billion-laughs.yaml": (DECISION, [("yaml-anchor", 2, 4), ("yaml-anchor", 3, 4), ("yaml-alias", 3, 8)]),
    "yaml-alias_decision-officers.yaml": (DECISION, [("yaml-anchor", 23, 11), ("yaml-alias", 24, 7)]),
    "yaml-anchor_decision-party.yaml": (DECISION, [("yaml-anchor", 8, 8)]),
    "yaml-bom_decision.yaml": (DECISION, [("yaml-bom", 1, 1)]),
    "yaml-control-char_decision-bidi.yaml": (DECISION, [("yaml-control-char", 12, 15)]),
    "yaml-duplicate-key_decision-title.yaml": (DECISION, [("yaml-duplicate-key", 6, 1)]),
    "yaml-empty_decision.yaml": (DECISION, [("yaml-empty", 1, 1)]),
    "yaml-encoding_decision-gbk.yaml": (DECISION, [("yaml-encoding", 1, 7)]),
    "yaml-multiple-documents_decision.yaml": (DECISION, [("yaml-multiple-documents", 28, 1)]),
    "yaml-syntax_decision-colon.yaml": (DECISION, [("yaml-syntax", 13, 11)]),
    "yaml-tab_decision-indent.yaml": (DECISION, [("yaml-tab", 9, 1)]),
    "yaml-tag_decision-python.yaml": (DECISION, [("yaml-tag", 24, 8)]),
    # schemas
    "schema-enum_decision-type.yaml": (DECISION, [("schema-enum", 3, 7)]),
    "schema-format_decision-date.yaml": (DECISION, [("schema-format", 26, 15)]),
    "schema-minimum_decision-negative-fine.yaml": (DECISION, [("schema-minimum", 21, 9)]),
    "schema-not-allowed_decision-person-credit-code.yaml": (
        DECISION, [("schema-not-allowed", 11, 3), ("schema-not-allowed", 12, 3)]),
    "schema-pattern_agency-phone.yaml": (AGENCY, [("schema-pattern", 13, 8)]),
    "schema-pattern_decision-credit-code.yaml": (DECISION, [("schema-pattern", 11, 16)]),
    "schema-required_decision-no-doc-no.yaml": (DECISION, [("schema-required", 2, 1)]),
    "schema-required_decision-withdrawn-without-notice.yaml": (DECISION, [("schema-required", 2, 1)]),
    "schema-type_decision-empty-facts.yaml": (DECISION, [("schema-type", 13, 7)]),
    "schema-type_decision-fine-text.yaml": (DECISION, [("schema-type", 21, 9)]),
    "schema-type_decision-major-yes.yaml": (DECISION, [("schema-type", 24, 8)]),
    "schema-unknown-field_decision-typo.yaml": (DECISION, [("schema-required", 2, 1), ("schema-unknown-field", 4, 1)]),
    # cross-record rules
    "citation-syntax_decision-no-brackets.yaml": (DECISION, [("citation-syntax", 15, 5)]),
    "credit-code-checksum_decision.yaml": (DECISION, [("credit-code-checksum", 11, 16)]),
    "doc-no-form_decision-brackets.yaml": (DECISION, [("doc-no-form", 2, 9)]),
    "doc-no-prefix_decision.yaml": (DECISION, [("doc-no-prefix", 2, 9)]),
    "doc-no-year_decision.yaml": (DECISION, [("doc-no-year", 2, 9)]),
    "doc-no-year_decision-january.yaml": (DECISION, [("doc-no-year", 2, 9)]),
    # renaming the county entry leaves the decision pointing at nothing
    "duplicate-id_benchmark-entry.yaml": (BENCHMARK, [("duplicate-id", 11, 9), ("unknown-benchmark-entry", 16, 10)]),
    # placed beside the valid decision, not over it
    "duplicate-doc-no_decision-second.yaml": (SECOND_DECISION, [("duplicate-doc-no", 2, 9)]),
    "duplicate-item-code_items.yaml": (ITEMS, [("duplicate-item-code", 15, 11)]),
    # the second officer's number is gone, so the decision naming it is reported too
    "duplicate-cert-no_personnel.yaml": (PERSONNEL, [("unknown-officer", 22, 27), ("duplicate-cert-no", 11, 14)]),
    "repealed-law_decision.yaml": (DECISION, [("repealed-law", 15, 5)]),
    "unknown-agency_items-delegation.yaml": (ITEMS, [("unknown-agency", 12, 15)]),
    "unknown-article_decision.yaml": (DECISION, [("unknown-article", 15, 5)]),
    "unknown-benchmark-entry_decision.yaml": (DECISION, [("unknown-benchmark-entry", 17, 10)]),
    "unknown-item_decision.yaml": (DECISION, [("unknown-item", 6, 7)]),
    "unknown-law_decision.yaml": (DECISION, [("unknown-law", 15, 5)]),
    "unknown-officer_decision.yaml": (DECISION, [("unknown-officer", 23, 27)]),
    "unknown-parent-entry_benchmark.yaml": (BENCHMARK, [("unknown-parent-entry", 14, 13)]),
    "unknown-tier_decision.yaml": (DECISION, [("unknown-tier", 18, 9)]),
    "wrong-folder_agency-id.yaml": (AGENCY, [("wrong-folder", 2, 5)]),
    # the decision also carries the other body's 机关代字
    "wrong-folder_decision-other-agency.yaml": (DECISION, [("doc-no-prefix", 2, 9), ("wrong-folder", 5, 9)]),
    "wrong-folder_decision-year.yaml": (DECISION, [("wrong-folder", 25, 13)]),
    # legal rules: benchmarks (国办发〔2022〕27号; 《行政处罚法》第三十四条)
    "tier-order_upstream-benchmark.yaml": (UPSTREAM, [("tier-order", 33, 15)]),
    "tier-overlap_upstream-benchmark.yaml": (UPSTREAM, [("tier-overlap", 38, 13)]),
    "fine-range-inverted_upstream-benchmark.yaml": (UPSTREAM, [("fine-range-inverted", 30, 13)]),
    "tier-outside-statutory_upstream-benchmark.yaml": (UPSTREAM, [("tier-outside-statutory", 38, 13)]),
    "reduced-tier-not-reduced_upstream-benchmark.yaml": (UPSTREAM, [("reduced-tier-not-reduced", 30, 13)]),
    "no-penalty-with-fine_upstream-benchmark.yaml": (UPSTREAM, [("no-penalty-with-fine", 25, 9)]),
    "tier-outside-split_upstream-benchmark.yaml": (UPSTREAM, [("tier-outside-split", 42, 13)]),
    "tier-split-sum_upstream-benchmark.yaml": (UPSTREAM, [("tier-split-sum", 10, 3)]),
    "refinement-outside-parent_benchmark.yaml": (BENCHMARK, [("refinement-outside-parent", 32, 13)]),
    # legal rules: decisions (《行政处罚法》第四十二、五十一、五十八条)
    "benchmark-missing_decision.yaml": (DECISION, [("benchmark-missing", 18, 9)]),
    "decision-type-mismatch_decision.yaml": (DECISION, [("decision-type-mismatch", 3, 7)]),
    "fine-outside-tier_decision.yaml": (DECISION, [("fine-outside-tier", 21, 9)]),
    "legal-review-late_decision.yaml": (DECISION, [("legal-review-late", 27, 9)]),
    "officer-not-valid_personnel-expired.yaml": (PERSONNEL, [("officer-not-valid", 22, 12)]),
    "officer-not-valid_personnel-revoked.yaml": (PERSONNEL, [("officer-not-valid", 22, 12)]),
    # the town's own item list does not have the county item either
    "officer-other-agency_decision-town.yaml": (TOWN_DECISION, [
        ("unknown-item", 6, 7), ("officer-other-agency", 23, 12), ("officer-other-agency", 23, 27)]),
    "summary-procedure-limit_decision.yaml": (DECISION, [("summary-procedure-limit", 21, 9)]),
    "too-few-officers_decision.yaml": (DECISION, [("too-few-officers", 23, 11)]),
    "withdrawal-status_decision.yaml": (DECISION, [("withdrawal-status", 27, 9)]),
    # legal rules: deadlines in working days and display periods (118号; 第四十八、八十五条; 总局令第45号)
    "calendar-not-covered_decision-withdrawal-2030.yaml": (DECISION, [("calendar-not-covered", 30, 9)]),
    "display-until-mismatch_decision.yaml": (DECISION, [("display-until-mismatch", 27, 16)]),
    "display-until-mismatch_decision-warning.yaml": (DECISION, [("display-until-mismatch", 26, 16)]),
    "late-publication_decision.yaml": (DECISION, [("late-publication", 26, 15)]),
    "late-withdrawal_decision.yaml": (DECISION, [("late-withdrawal", 30, 9)]),
    "published-before-decided_decision.yaml": (DECISION, [("published-before-decided", 26, 15)]),
    "withdrawn-before-change_decision.yaml": (DECISION, [("withdrawn-before-change", 30, 9)]),
    "page-address-clash_decision-012.yaml": (CLASHING_DECISION, [("page-address-clash", 2, 1)]),
    # personal data (《个人信息保护法》第二十五条；《行政处罚法》第五十条)
    "minor-party_decision.yaml": (DECISION, [("minor-party", 11, 10)]),
    "pii-address_decision-natural-person.yaml": (DECISION, [("pii-address", 11, 15)]),
    "pii-allowlist-stale_entry.yaml": (ALLOWLIST, [("pii-allowlist-stale", 3, 5)]),
    "pii-bank-card_decision-facts.yaml": (DECISION, [("pii-bank-card", 13, 41)]),
    "pii-id-number_decision-comment.yaml": (DECISION, [("pii-id-number", 12, 25)]),
    "pii-id-number_decision-facts.yaml": (DECISION, [("pii-id-number", 13, 46)]),
    "pii-mobile_decision-facts.yaml": (DECISION, [("pii-mobile", 13, 46)]),
    "unmasked-name_decision-natural-person.yaml": (DECISION, [("unmasked-name", 10, 9)]),
    "unmasked-name_decision-sole-trader.yaml": (DECISION, [("unmasked-name", 12, 14)]),
}

WARNINGS = {"doc-no-year_decision-january.yaml", "officer-not-valid_personnel-revoked.yaml",
            "late-publication_decision.yaml", "late-withdrawal_decision.yaml", "pii-allowlist-stale_entry.yaml"}


def test_every_invalid_file_has_an_expectation_and_every_expectation_a_file():
    files = {path.name for path in INVALID.glob("*.yaml")}
    assert sorted(files - set(EXPECTED)) == [], "files without an expectation"
    assert sorted(set(EXPECTED) - files) == [], "expectations without a file"


def test_each_file_is_named_for_the_first_code_it_expects():
    for name, (_, problems) in EXPECTED.items():
        code = name.split("_", 1)[0]
        assert code in {c for c, _, _ in problems}, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_example_reports_exactly_the_expected_problems(name: str, project: Path):
    target, expected = EXPECTED[name]
    (project / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INVALID / name, project / target)
    problems = validate(project).problems
    assert [(p.code, p.line, p.column) for p in problems] == expected
    assert {p.file for p in problems} <= {target, ITEMS, PERSONNEL, BENCHMARK, DECISION, AGENCY, SECOND_DECISION,
                                          UPSTREAM, ALLOWLIST, CLASHING_DECISION}
    for problem in problems:
        assert problem.message and any("\u4e00" <= ch <= "\u9fff" for ch in problem.message), problem
        assert problem.line >= 1 and problem.column >= 1
    severities = {p.severity.value for p in problems if p.code == name.split("_", 1)[0]}
    assert severities == ({"warning"} if name in WARNINGS else {"error"})


# --- rules that check files one by one (EACH): the same answer about a file seen alone ------------------


def differences_alone(module: object, corpus: object) -> list[str]:
    """Where a rule that declares ``EACH`` finds, about a file of those kinds seen alone (the view
    the checker gives it once that file changed), other than it finds about the file in the whole
    corpus; and its problems about files of other kinds, which it must not have."""
    reads, each = module.READS, module.EACH  # type: ignore[attr-defined]
    whole = list(module.check(corpus.only(reads)))  # type: ignore[attr-defined]
    files = [document.file for kind in each for document in corpus.of(kind)]  # type: ignore[attr-defined]
    found = [f"{problem.file}（{problem.code}）不是逐个检查的文件" for problem in whole if problem.file not in files]
    for file in files:
        alone = list(module.check(corpus.only(reads, each=each, files={file})))  # type: ignore[attr-defined]
        if alone != [problem for problem in whole if problem.file == file]:
            found.append(file)
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_rule_that_checks_files_one_by_one_finds_the_same_about_a_file_seen_alone(name: str, project: Path):
    from generator.rules import RULES

    target, _ = EXPECTED[name]
    (project / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(INVALID / name, project / target)
    corpus = validate(project, use_cache=False).corpus
    each = {rule: module for rule, module in RULES.items() if hasattr(module, "EACH")}
    assert {"decision_fines", "publication_deadline", "credit_codes", "legal_citations"} <= set(each)
    for rule, module in each.items():
        assert differences_alone(module, corpus) == [], rule


def test_a_rule_that_compares_files_would_be_caught_declaring_each(project: Path):
    from types import SimpleNamespace

    from generator.rules import unique_doc_numbers

    shutil.copyfile(INVALID / "duplicate-doc-no_decision-second.yaml", project / SECOND_DECISION)
    corpus = validate(project, use_cache=False).corpus
    pretending = SimpleNamespace(check=unique_doc_numbers.check, READS=("decision",), EACH=("decision",))
    assert differences_alone(pretending, corpus) == [SECOND_DECISION]
