"""重大执法决定在作出决定之前经过法制审核。

《行政处罚法》第五十八条：重大执法决定在作出决定之前，应当进行法制审核；未经法制审核或者审核未通过的，
不得作出决定。``major: true`` 的决定必须有 ``legal_review``（数据规范已要求），审核日期不得晚于决定日期。

通过::

    major: true
    legal_review: {reviewer: 县市场监管局法制股, date: 2024-04-08, opinion: 同意}
    decided_on: 2024-04-10

不通过（``legal-review-late``）::

    major: true
    legal_review: {reviewer: 县市场监管局法制股, date: 2024-04-12, opinion: 同意}
    decided_on: 2024-04-10
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import Corpus
from ..problems import Problem

CODES = {"legal-review-late": "重大执法决定的法制审核晚于决定日期"}
SOURCE = "《中华人民共和国行政处罚法》第五十八条"
#: Each decision is checked on its own: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = ("decision",)
EACH = ("decision",)


def check(corpus: Corpus) -> Iterator[Problem]:
    for document in corpus.of("decision"):
        review = document.get("legal_review")
        decided = document.get("decided_on")
        if document.get("major") is not True or not isinstance(review, dict):
            continue
        date = review.get("date")
        if isinstance(date, str) and isinstance(decided, str) and date > decided:
            yield Problem("legal-review-late", f"法制审核日期 {date} 晚于决定日期 {decided}：重大执法决定应当在作出"
                          "决定之前经法制审核。请核对日期。", document.file, path=("legal_review", "date"),
                          source=SOURCE)
