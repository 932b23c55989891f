"""Cross-record rules: one small module per rule, registered here in the order they run.

Each module has a module docstring (the user documentation, with a passing and a failing
example, rendered on the 校验规则 page), ``CODES`` (code → one-line Chinese summary) and
``check(corpus)`` yielding problems that name a file and a field path; the checker finds
line and column afterwards. A module may declare ``READS``, the record kinds it reads: it is
then shown only those (`Corpus.only`), and what it found is kept until they change. It may also
declare ``EACH``, the kinds whose files it checks one by one (every problem it finds is about
such a file, found from that file and the records of its other kinds): then only the changed
files of those kinds are checked again, each seen without the unchanged ones.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    agency_references,
    benchmark_ranges,
    benchmark_references,
    benchmark_refinement,
    benchmark_tiers,
    credit_codes,
    decision_consistency,
    decision_fines,
    decision_officers,
    display_periods,
    doc_numbers,
    folders,
    item_references,
    legal_citations,
    legal_review,
    officer_references,
    page_addresses,
    parent_entries,
    party_names,
    personal_data,
    publication_deadline,
    required_files,
    summary_procedure,
    unique_cert_numbers,
    unique_doc_numbers,
    unique_ids,
    unique_item_codes,
    withdrawal_deadline,
)

RULES: dict[str, ModuleType] = {
    module.__name__.rsplit(".", 1)[1]: module
    for module in (
        required_files,
        folders,
        unique_ids,
        unique_item_codes,
        unique_cert_numbers,
        unique_doc_numbers,
        agency_references,
        item_references,
        benchmark_references,
        parent_entries,
        officer_references,
        legal_citations,
        credit_codes,
        doc_numbers,
        page_addresses,
        # legal rules (国办发〔2022〕27号, 《行政处罚法》)
        benchmark_tiers,
        benchmark_ranges,
        benchmark_refinement,
        decision_consistency,
        decision_fines,
        decision_officers,
        summary_procedure,
        legal_review,
        # deadlines and display periods (国办发〔2018〕118号, 《行政处罚法》第四十八条, 总局令第45号)
        publication_deadline,
        withdrawal_deadline,
        display_periods,
        # personal data (《个人信息保护法》第二十五条, 《行政处罚法》第五十条)
        party_names,
    )
}

#: Rules that read a file's text as written (comments included) rather than its values:
#: each has ``CODES`` and ``check_source(text, placement)``.
SOURCE_RULES: dict[str, ModuleType] = {"personal_data": personal_data}

#: Every problem code a rule can report, with its summary (for docs and tests).
RULE_CODES: dict[str, str] = {code: summary for rule in [*RULES.values(), *SOURCE_RULES.values()]
                              for code, summary in rule.CODES.items()}
