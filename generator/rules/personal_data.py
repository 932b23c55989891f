"""数据文件中不得出现自然人的身份证号码、手机号码、银行卡号和家庭住址。

数据仓库和公示网站都是公开的，所以按文件原文逐字检查，注释也查：注释不显示在网站上，
但随仓库一起公开；不加引号的 18 位数字在有些程序里会被读成整数，原文检查不受影响。

- 居民身份证号码：18 位，校验码（GB 11643-1999，MOD 11-2）、出生日期和省份代码都成立才报告，
  所以输错一位的号码、统一社会信用代码、文书号和日期不会被误报；
- 手机号码：1 开头的 11 位号码，前后不连着其他数字或字母，后面不是“元”“万”“亿”“号”；
- 银行卡号：16–19 位且通过 Luhn 校验，并且以 62（银联）开头或前面写有“卡号”“账号”“银行”“开户”等字样；
- 住址：“镇”“村”等之后的路、街、巷、村、组名加门牌号。执法主体的办公地址是公开信息，
  所以只在当事人为自然人的执法决定中，或与“张某”这样的化名同在一句话中时报告。

机器检查难免误报。确认不是个人信息的（例如某个形似身份证号的产品批号），经审核后登记在
``data/pii-allowlist.yaml``：写明文件、类别、该值的 SHA-256 摘要（不写原值）、理由、审核人和日期。
清单中不再与任何内容对应的条目提示警告（``pii-allowlist-stale``），请删除。

通过::

    party:
      kind: 自然人
      name: 陈某
    facts: 当事人在吉田镇焚烧秸秆……

不通过（下列号码在此已打码，实际文件中是完整号码）::

    facts: 当事人陈某（身份证号 4418**********1234）……    # pii-id-number
    facts: 当事人陈某，联系电话 138****8000……              # pii-mobile
    facts: 罚没款曾转入其银行卡 6217********1234……         # pii-bank-card
    facts: 当事人陈某住吉田镇鹿鸣路**号……                  # pii-address
    # 当事人身份证号 4418**********1234                     # pii-id-number（注释中也不行）
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..corpus import Corpus, Document
from ..layout import Placement, place
from ..pii import KINDS, SOURCE, SOURCES, Finding, describe, find, in_comment
from ..problems import WARNING, Problem

CODES = {
    "pii-id-number": "含有居民身份证号码",
    "pii-mobile": "含有手机号码",
    "pii-bank-card": "含有银行卡号（账号）",
    "pii-address": "含有自然人的详细住址",
    "pii-allowlist-stale": "个人信息豁免清单中的条目已不对应任何内容",
}
ALLOWLIST = "data/pii-allowlist.yaml"

_FINDING_CODES = frozenset(f"pii-{kind}" for kind in KINDS)
_NATURAL_PERSON = re.compile(r"""(?:^|[{,])\s*kind:\s*["']?自然人["']?\s*(?:[,}#]|$)""", re.M)


def scan(text: str, placement: Placement) -> list[Finding]:
    """The findings in one data file's text. In a decision about a natural person every
    detailed address is the party's (or someone else's) home: all of them count."""
    natural_person = (placement.kind == "decision" and "自然人" in text  # a quick look before the pattern
                      and _NATURAL_PERSON.search(text) is not None)
    return find(text, natural_person=natural_person)


def check_source(text: str, placement: Placement) -> Iterator[Problem]:
    """The findings in one data file's text (its bytes decoded, undecodable ones replaced)."""
    for finding in scan(text, placement):
        comment = in_comment(text, finding)
        key = None if comment else _key_of(text, finding.start)
        message = describe(finding, where="注释中" if comment else f"字段 {key} 中" if key else "")
        if comment:
            message += "注释虽不显示在网站上，但随数据仓库一起公开。"
        yield Problem(finding.code, message, placement.rel, finding.line, finding.column,
                      source=SOURCES.get(finding.kind, SOURCE))


_KEY = re.compile(r"[ \t]*(?:-[ \t]+)*([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]|$)")


def _key_of(text: str, offset: int) -> str | None:
    """The YAML key whose value holds `offset`: on its line, or above it for a value that
    continues over several lines (found by indentation; the message only names it)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line = text[line_start:offset]
    match = _KEY.match(line)
    if match:
        return match.group(1)
    indent = len(line) - len(line.lstrip(" "))
    while line_start > 0:
        previous = text.rfind("\n", 0, line_start - 1) + 1
        line = text[previous:line_start - 1]
        line_start = previous
        match = _KEY.match(line)
        if match and len(line) - len(line.lstrip(" ")) < indent:
            return match.group(1)
    return None


# --- the allow-list -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    document: Document
    index: int
    file: str
    kind: str
    sha256: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.kind, self.sha256)


def _entries(corpus: Corpus) -> Iterator[_Entry]:
    # A list that breaks its schema allows nothing until it is fixed: failing closed.
    for document in corpus.of("pii-allowlist"):
        if not document.valid:
            continue
        for (_, index), entry in document.records("entries"):
            file, kind, digest = entry.get("file"), entry.get("kind"), entry.get("sha256")
            if isinstance(file, str) and isinstance(kind, str) and isinstance(digest, str):
                yield _Entry(document, index, file, kind, digest.lower())


def allowed_values(corpus: Corpus) -> frozenset[tuple[str, str]]:
    """``(kind, sha256)`` of every reviewed false positive, for scanning the built pages."""
    return frozenset((entry.kind, entry.sha256) for entry in _entries(corpus))


def apply_allowlist(corpus: Corpus, problems: Iterable[Problem]) -> list[Problem]:
    """Drop the findings listed in data/pii-allowlist.yaml; warn about entries matching none.

    Problems carry no value (messages show it masked), so a finding is matched by scanning
    its file again: only files that have both a finding and an entry are read.
    """
    entries = list(_entries(corpus))
    listed = {entry.key for entry in entries}
    files = {entry.file for entry in entries}
    rescanned: dict[str, dict[tuple[str, int, int], Finding]] = {}
    used: set[tuple[str, str, str]] = set()
    kept: list[Problem] = []
    for problem in problems:
        if problem.code in _FINDING_CODES and problem.file in files:
            if problem.file not in rescanned:
                rescanned[problem.file] = _findings_by_position(corpus, problem.file)
            finding = rescanned[problem.file].get((problem.code, problem.line, problem.column))
            if finding is not None and (problem.file, finding.kind, finding.sha256) in listed:
                used.add((problem.file, finding.kind, finding.sha256))
                continue
        kept.append(problem)
    for entry in entries:
        if entry.key not in used:
            kept.append(Problem(
                "pii-allowlist-stale",
                f"豁免条目（{entry.file}，{KINDS.get(entry.kind, entry.kind)}）已不对应该文件中的任何检测结果："
                "该内容可能已被删除或修改。请删除这一条目，以免以后误放过真正的个人信息。",
                entry.document.file, path=("entries", entry.index), severity=WARNING))
    return kept


def _findings_by_position(corpus: Corpus, file: str) -> dict[tuple[str, int, int], Finding]:
    placement = place(file.removeprefix("data/"), file)
    try:
        raw = (corpus.root / file).read_bytes()
    except OSError:
        return {}
    if placement is None:
        return {}
    findings = scan(raw.decode("utf-8", errors="replace"), placement)
    return {(finding.code, finding.line, finding.column): finding for finding in findings}
