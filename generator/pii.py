"""Personal-data detectors over text: ID numbers, mobile numbers, bank cards, home addresses.

Used twice: on every data file's bytes as written (rules/personal_data.py; comments included,
because Git publishes them) and on every page the build writes (`scan_site`), which also
covers hand-written docs/ pages and anything a template puts together.

Each detector trades recall for precision in a stated way, since a false alarm stops a
department's publication and a real leak cannot be taken back:

* 居民身份证号码 (GB 11643-1999): 18 characters with a valid MOD 11-2 check character, a real
  birth date (1900 to today) and a province code that exists. A single mistyped digit never
  passes the check, so a typo'd number is not reported; an all-digit 统一社会信用代码 written
  after ``credit_code`` / 信用代码 that passes its own GB 32100 check is not an ID.
* Mobile numbers: ``1[3-9]`` + 9 digits, written whole or as 3-4-4 groups, with no letter or
  digit next to it (so not inside a longer number or a code) and not followed by 元, 万, 亿 or
  号 (``罚款 15000000000 元`` is an amount).
* Bank cards: 16–19 digits (whole or in groups of four) passing Luhn, and either starting with
  62 (UnionPay) or written within a few characters after 卡号/账号/银行/开户/账户. Luhn alone
  passes one random number in ten.
* Addresses: after 省/市/区/县/镇/乡/村, a name ending in 路/街/巷/道/村/屯/寨/小区/社区/组 and a
  house number (``吉田镇鹿鸣路12号``). Agencies' office addresses are public, so an address is
  only reported in a natural person's record, or in the same sentence as a masked name
  (张某, 欧阳某某) that is not part of a company name.

Digits are read in any script (ASCII, full-width as input methods type them, Arabic-Indic, …).
Positions are characters, not bytes; line and column start at 1. Not detected: the 15-digit
IDs of GB 11643-1989, numbers split by other characters or written in YAML escapes, landlines.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import hashlib
import html
import json
import multiprocessing
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path as FsPath

from .identifiers import uscc_is_valid
from .problems import Problem

#: Finding kind → what it is called in messages.
KINDS = {
    "id-number": "居民身份证号码",
    "mobile": "手机号码",
    "bank-card": "银行卡号（账号）",
    "address": "自然人住址",
}

#: The law every finding cites; a bank account is also sensitive personal information.
SOURCE = "《中华人民共和国个人信息保护法》第二十五条；《中华人民共和国行政处罚法》第五十条"
SOURCES = {"bank-card": "《中华人民共和国个人信息保护法》第二十五条、第二十八条；《中华人民共和国行政处罚法》第五十条"}

# Full-width digits and X as typed by Chinese input methods: one character each, so the
# translation keeps every offset.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_FULL_WIDTH = re.compile("[０-９Ｘｘ]")


@functools.cache
def _other_digits() -> tuple[re.Pattern[str], dict[int, int]]:
    """The decimal digits of every other script (Arabic-Indic, Devanagari, Tibetan, Mongolian, …),
    which ``\\d`` reads as digits, and so do the checks here by translating them: a pattern that
    finds one, and the translation. Made when first needed (listing them takes ~0.1 s)."""
    digits = "".join(char for char in map(chr, range(0x80, 0x110000))
                     if unicodedata.category(char) == "Nd" and not "０" <= char <= "９")
    return (re.compile(f"[{re.escape(digits)}]"),
            str.maketrans(digits, "".join(str(unicodedata.decimal(char)) for char in digits)))


# A text's shape, one byte per byte of its UTF-8: "0" for an ASCII digit, " " for a space or a
# hyphen (how card numbers are grouped), "!" for the first byte of any character from a block that
# holds other scripts' digits (none of them CJK), "x" for the rest. Python's `re` tries a pattern
# at every character, ~100 MB/s; a run of digits is looked for in the shape at memchr speed, and
# most texts have none (`_as_ascii_digits`, `find`).
_SHAPE = bytes(ord("0") if 0x30 <= byte <= 0x39 else ord(" ") if byte in b" -"
               else ord("!") if byte in b"\xd9\xdb\xdf\xe0\xe1\xea\xf0\xf1\xf2\xf3\xf4" else ord("x")
               for byte in range(256))
_SIXTEEN_DIGITS = b"0" * 16  # in every ID (18 characters, 17 digits) and ungrouped card number
_FOUR_GROUPS = b"0000 0000 0000 0000"  # in every card number written in groups

# --- 居民身份证号码 -----------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: First two digits of GB/T 2260 codes: provinces, plus 71 台湾, 81 香港, 82 澳门 and 83 (the
#: residence permits of Taiwan residents).
PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 "
    "71 81 82 83".split())
# Every pattern below starts with the character it needs first and only then looks behind
# it: a pattern that starts with a lookbehind is tried at every position of the text, one
# that starts with a character class lets the regex engine skip to the candidates (3x to
# 20x faster on a county's 80 MB of records). ``\d(?<![0-9A-Za-z]\d)`` means “a digit not
# preceded by a letter or digit”; tests/test_pii.py checks each pattern against the plain
# form it stands for.
_ID = re.compile(r"\d(?<![0-9A-Za-z]\d)\d{16}[\dXx](?![0-9A-Za-z])")
_CREDIT_CONTEXT = re.compile(r"(credit_code|信用代码)\W{0,6}$")


def id_check_char(first17: str) -> str:
    """The 18th character of a 居民身份证号码 (ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_is_valid(text: str, *, today: datetime.date | None = None) -> bool:
    """Whether `text` is a plausible 居民身份证号码: province, real birth date, check character."""
    if len(text) != 18 or not text[:17].isdigit() or text[:2] not in PROVINCES:
        return False
    try:
        born = datetime.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if not datetime.date(1900, 1, 1) <= born <= (today or datetime.date.today()):
        return False
    return id_check_char(text[:17]) == text[17].upper()


def first_unborn(text: str, *, today: datetime.date) -> datetime.date | None:
    """The earliest birth date after `today` written in an 18-digit number of `text` that
    would otherwise be an ID: from that day on `find(text)` may report it. None if nothing
    in the text depends on the date (the checker's cache keeps a file's result until then)."""
    text, shape = _as_ascii_digits(text)
    if _SIXTEEN_DIGITS not in shape:
        return None
    first: datetime.date | None = None
    for match in _ID.finditer(text):
        value = match.group()
        if value[:2] not in PROVINCES:
            continue
        try:
            born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            continue
        if born > today and (first is None or born < first):
            first = born
    return first


# --- mobile numbers and bank cards --------------------------------------------------------

_MOBILE = re.compile(
    r"1(?<![0-9A-Za-z]1)(?<!\d\.1)[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])(?!\.\d)(?!\s*(?:元|万|亿|号))")
_CARD = re.compile(
    r"\d(?<![0-9A-Za-z]\d)(?:\d{15,18}|\d{3}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?(?![ -]\d))(?![0-9A-Za-z])")
_CARD_CONTEXT = re.compile(r"卡号|账号|帐号|账户|帐户|银行|开户|银联|信用卡|借记卡")
_CARD_WINDOW = 20  # characters before the number searched for a keyword


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# --- addresses and masked names -----------------------------------------------------------

# The address is the group `found`; the match starts one character earlier, at the place that
# comes before it, because `re` looks for a match's first character fast when it is one of a
# few, and tries a lookbehind at every Chinese character. (No address ends with a place
# character, so no match can take the place the next one needs.)
_ADDRESS = re.compile(
    r"[省市区县镇乡村](?P<found>[\u4e00-\u9fff]{1,10}?(?:路|街|巷|道|村|屯|寨|小区|社区|组)"
    r"\s?(?:\d{1,5}|[一二三四五六七八九十百零〇]{1,4})\s?(?:号|栋|幢|座|室|组|队)"
    r"(?:\s?\d{1,5}\s?(?:号|栋|幢|座|单元|室|楼|层))*)")
COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 轩辕 令狐 钟离 闻人 澹台 "
    "公冶 太史 申屠 端木 南宫 西门 东郭 百里 呼延 独孤 万俟 赫连 拓跋 仲孙 濮阳 淳于 太叔 乐正 鲜于 "
    "闾丘 亓官 公羊 梁丘 左丘 宗政 谷梁 段干 漆雕 壤驷 公良 巫马 羊舌 微生 第五").split()
#: A masked natural-person name as the court rules write it: the surname (an ethnic-minority
#: name's first character) and 某 or 某某, with 甲/乙… telling apart two of the same surname.
#: 某某 (no surname at all) hides more than required and passes. Use with ``fullmatch``.
MASKED_NAME = re.compile(
    rf"(?:{'|'.join(COMPOUND_SURNAMES)}|[\u4e00-\u9fff])某{{1,2}}[甲乙丙丁戊己庚辛壬癸]?")


def surname(name: str) -> str:
    """The part of a natural person's name that may be published: a compound surname or
    the first character."""
    return next((compound for compound in COMPOUND_SURNAMES if name.startswith(compound)), name[:1])


# In free text: the same, unless it is the 某某 of a company name (连山某某食品有限公司).
_NAME_IN_TEXT = re.compile(
    r"[\u4e00-\u9fff](?<!某)某{1,2}(?![\u4e00-\u9fff]{0,4}(?:有限公司|公司|商行|商店|超市|厂|店|馆|社|中心))")
_SENTENCE_END = re.compile(r"[。；;！!？?\n|]")


# --- findings -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text. `value` is never shown: use `masked`."""

    kind: str
    start: int  # character offset in the text
    end: int
    #: the matched text without separators (ID check character upper-cased): what is hashed
    value: str
    line: int  # starting at 1
    column: int  # starting at 1

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.value.encode("utf-8")).hexdigest()

    @property
    def masked(self) -> str:
        return mask(self.kind, self.value)

    @property
    def code(self) -> str:
        return f"pii-{self.kind}"


def mask(kind: str, value: str) -> str:
    """What a message may show of a value: 4418**********1234, 138****8000, 鹿鸣路**号."""
    if kind == "address":
        return re.sub(r"\d|[一二三四五六七八九十百零〇](?=[号栋幢座室组队])", "*", value)
    keep = 3 if kind == "mobile" else 4
    return value[:keep] + "*" * (len(value) - keep - 4) + value[-4:]


def find(text: str, *, natural_person: bool = False, today: datetime.date | None = None) -> list[Finding]:
    """Every finding in `text`, in order. Addresses count only in a natural person's record
    (`natural_person`) or in the same sentence as a masked person's name."""
    text, shape = _as_ascii_digits(text)
    long_run = _SIXTEEN_DIGITS in shape
    spans: list[tuple[str, int, int, str]] = []
    for match in _ID.finditer(text) if long_run else ():
        value = match.group().upper()
        if not id_number_is_valid(value, today=today):
            continue
        if uscc_is_valid(value) and _CREDIT_CONTEXT.search(text, max(0, match.start() - 20), match.start()):
            continue
        spans.append(("id-number", match.start(), match.end(), value))
    taken = [(start, end) for _, start, end, _ in spans]
    for match in _MOBILE.finditer(text):
        spans.append(("mobile", match.start(), match.end(), re.sub(r"[ -]", "", match.group())))
    for match in _CARD.finditer(text) if long_run or _FOUR_GROUPS in shape else ():
        digits = re.sub(r"[ -]", "", match.group())
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        if not luhn_is_valid(digits):
            continue
        if len(digits) == 18 and uscc_is_valid(digits) and _CREDIT_CONTEXT.search(
                text, max(0, match.start() - 20), match.start()):
            continue
        if digits.startswith("62") or _CARD_CONTEXT.search(text, max(0, match.start() - _CARD_WINDOW),
                                                            match.start()):
            spans.append(("bank-card", match.start(), match.end(), digits))
    for match in _ADDRESS.finditer(text):
        start, end = match.span("found")
        if natural_person or _near_masked_name(text, start, end):
            spans.append(("address", start, end, re.sub(r"\s", "", match.group("found"))))
    if not spans:
        return []  # most texts: no need to index their lines
    spans.sort(key=lambda span: (span[1], span[0]))
    lines = _LineIndex(text)
    return [Finding(kind, start, end, value, *lines.position(start)) for kind, start, end, value in spans]


def _as_ascii_digits(text: str) -> tuple[str, bytes]:
    """`text` with every digit (and full-width X) in ASCII, one character for one, so offsets
    stay; and its shape (`_SHAPE`). Translating costs more than all the patterns together, so
    it is done only where such a digit may be."""
    global _last
    last = _last
    if last[0] is text:  # the same text again (the per-file stage asks for each file's twice)
        return last[1]
    original = text
    if _FULL_WIDTH.search(text):
        text = text.translate(_HALF_WIDTH)
    shape = text.encode("utf-8", "surrogatepass").translate(_SHAPE)
    if b"!" in shape and _other_digits()[0].search(text):
        text = text.translate(_other_digits()[1])
        shape = text.encode("utf-8", "surrogatepass").translate(_SHAPE)
    _last = (original, (text, shape))
    return text, shape


#: The last text `_as_ascii_digits` translated, and its answer: found by identity, not by value,
#: so that the pages' texts (a county's ~1 GB) are not hashed to be looked up.
_last: tuple[str | None, tuple[str, bytes]] = (None, ("", b""))


def _near_masked_name(text: str, start: int, end: int) -> bool:
    before = text.rfind("\n", 0, start)
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(text, before + 1, start)), default=before + 1)
    after = _SENTENCE_END.search(text, end)
    sentence_end = after.start() if after else len(text)
    return _NAME_IN_TEXT.search(text, sentence_start, sentence_end) is not None


class _LineIndex:
    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def in_comment(text: str, finding: Finding) -> bool:
    """Whether a finding in YAML source sits in a comment (after an unquoted ``#``)."""
    line_start = text.rfind("\n", 0, finding.start) + 1
    before = text[line_start:finding.start]
    quote = None
    for index, char in enumerate(before):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or before[index - 1] in " \t:-[{,"):
            quote = char
        elif char == "#" and (index == 0 or before[index - 1] in " \t"):
            return True
    return False


def describe(finding: Finding, *, where: str = "") -> str:
    """The message for a finding: what (masked), the rule, and what to do."""
    what = KINDS[finding.kind]
    if finding.kind == "address":
        rule = "自然人的家庭住址最多公开到县（区），门牌号等详细地址不得公开"
        action = "请删除详细地址，最多写到所在镇"
    elif finding.kind == "bank-card":
        rule = "银行账号属于敏感个人信息（金融账户），不得公开"
        action = "请删除该号码"
    elif finding.kind == "mobile":
        rule = "自然人的联系方式不得公开"
        action = "请删除该号码"
    else:
        rule = "自然人的身份证号码不得公开，执法公示也不需要写证件号码"
        action = "请删除整个号码（不要只改几位）"
    return (f"{where}含有{what}（{finding.masked}）。{rule}。{action}；如确属误报（例如不是个人信息的编号），"
            "经审核后登记在 data/pii-allowlist.yaml 的豁免清单中。")


# --- the built site -----------------------------------------------------------------------

SITE_SUFFIXES = (".html", ".json", ".xml", ".csv", ".txt")
_TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z]+);", re.S)
# Tags that end a line of text when a browser shows the page: a table cell's text never runs
# into the next cell's.
_BLOCK = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 header hr li main "
    "nav ol p pre section table tbody td tfoot th thead title tr ul option".split())
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _one_of(words: list[str]) -> str:
    """A pattern matching any of `words`, ASCII letters in either case, as a tree of their
    letters (``t(?:d|r|h(?:ead)?…)``): sre tries the branches of ``td|tr|th|…`` one by one, and
    so, with re.I, at every tag of every page, took a third of the time to scan a record page."""
    def letter(char: str) -> str:
        return f"[{char.lower()}{char.upper()}]" if char.isalpha() else re.escape(char)

    after: dict[str, list[str]] = {}
    for word in words:
        after.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in sorted(after.items()):
        longer = [rest for rest in rests if rest]
        if not longer:
            branches.append(letter(first))
            continue
        tail = _one_of(longer) if len(longer) > 1 else "".join(map(letter, longer[0]))
        if len(longer) > 1 or "" in rests:
            tail = f"(?:{tail})" + ("?" if "" in rests else "")
        branches.append(letter(first) + tail)
    return "|".join(branches)


_BLOCK_TAG = re.compile(r"</?(?:" + _one_of(sorted(_BLOCK)) + r")\b[^>]*>")
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^>]*>")
_JSON_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|.)")
# Pages without any of these cannot hold a finding (most pages): they are not decoded.
_WORTH_A_LOOK = re.compile(r"\d{11}|\d{3,4}[ -]\d{4}|某|&#(?:4[89]|5[0-7]|[xX]3\d);|\\u")


#: From this many pages `scan_site` uses two processes.
SCAN_PARALLEL_FROM = 1000


def _scan_pages(chunk: tuple[tuple[FsPath, frozenset, datetime.date | None], list[str]]) -> list[Problem]:
    (site_dir, allowed, today), pages = chunk
    problems: list[Problem] = []
    for page in pages:
        path = site_dir / page
        problems.extend(scan_page(path.read_text(encoding="utf-8", errors="replace"), path.suffix, page,
                                  allowed=allowed, today=today))
    return problems


def scan_page(source: str, suffix: str, page: str, *,
              allowed: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
              today: datetime.date | None = None) -> list[Problem]:
    """Personal data on one written page (`source`, a ``.html``, ``.json``, … file at `page`)."""
    if suffix == ".html":
        # Tags can split a number the reader sees whole (``1380013<b>8000</b>``): look at the text.
        quick = _html_text(source)
        if not _WORTH_A_LOOK.search(quick) or not find(quick, today=today):
            return []  # the common case, decided without mapping the text back to the source
    elif not _WORTH_A_LOOK.search(source):
        return []
    text, text_starts, source_starts = page_text(source, suffix)
    lines = _LineIndex(source)
    problems = []
    for finding in find(text, today=today):
        if (finding.kind, finding.sha256) in allowed:
            continue
        piece = bisect.bisect_right(text_starts, finding.start) - 1
        line, column = lines.position(source_starts[piece] + finding.start - text_starts[piece])
        problems.append(Problem(
            finding.code, describe(finding, where=f"生成的页面 {page} ")
            + "页面内容来自 data/ 中的数据或 docs/ 中的页面，请在那里删除。",
            page, line, column, source=SOURCES.get(finding.kind, SOURCE)))
    return problems


def _html_text(source: str) -> str:
    """The text of an HTML page as page_text reads it, in three passes of C code instead of a loop.

    Only a quick test: it decodes at least every entity page_text decodes (html.unescape also
    takes entities without their ``;``, as browsers do), so it finds at least what page_text finds;
    a page where it finds something is read again by page_text to say where.
    """
    return html.unescape(_ANY_TAG.sub("", _BLOCK_TAG.sub("\n", _COMMENT.sub("", source))))


def page_text(source: str, suffix: str) -> tuple[str, list[int], list[int]]:
    """A page's visible text, with a map back to the source: the text from ``text_starts[i]``
    on came from ``source_starts[i]`` on. Tags are removed (block tags become line breaks),
    entities and JSON escapes decoded."""
    pattern = _TAG if suffix in (".html", ".xml") else _JSON_ESCAPE if suffix == ".json" else None
    if pattern is None:
        return source, [0], [0]
    parts: list[str] = []
    text_starts: list[int] = []
    source_starts: list[int] = []
    length = 0
    position = 0

    def add(piece: str, at: int) -> None:
        nonlocal length
        if piece:
            text_starts.append(length)
            source_starts.append(at)
            parts.append(piece)
            length += len(piece)

    for match in pattern.finditer(source):
        add(source[position:match.start()], position)
        token = match.group()
        if suffix == ".json":
            try:
                piece = json.loads(f'"{token}"')
            except ValueError:
                piece = token
        elif token.startswith("&"):
            piece = html.unescape(token)
        else:
            # In HTML an inline tag joins what a reader sees as one run of text; XML has no
            # such thing, so every tag separates.
            block = suffix == ".xml" or (match.group(2) or "").lower() in _BLOCK
            piece = "\n" if block and match.group(2) else ""
        add(piece, match.start())
        position = match.end()
    add(source[position:], position)
    return "".join(parts), text_starts, source_starts


def scan_site(site_dir: FsPath, *, allowed: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
              today: datetime.date | None = None, skip: frozenset[str] | set[str] = frozenset(),
              processes: int | None = None, prune: frozenset[str] | set[str] = frozenset()) -> list[Problem]:
    """Personal data on any page the build wrote, named by its path under `site_dir`.

    `allowed` holds ``(kind, sha256)`` pairs reviewed as false positives in the data
    (data/pii-allowlist.yaml): such a value is not reported on the pages showing it either.
    `skip` names pages already scanned as they were written (shell.write_pages), `prune` folders
    holding nothing else (the last build's record pages put back, shell.Plan.pure). From
    `SCAN_PARALLEL_FROM` pages, two processes share them (`processes` says how many at most).
    """
    pages = []
    for folder, folders, names in os.walk(site_dir):
        prefix = os.path.relpath(folder, site_dir).replace(os.sep, "/") + "/"
        prefix = "" if prefix == "./" else prefix
        if prune:
            folders[:] = [name for name in folders if prefix + name not in prune]
        pages.extend(prefix + name for name in names if os.path.splitext(name)[1] in SITE_SUFFIXES)
    pages = sorted(page for page in pages if page not in skip)
    work = (site_dir, frozenset(allowed), today)
    chunks = [(work, pages[start:start + 200]) for start in range(0, len(pages), 200)]
    from .forking import processors

    workers = min(2, processors(), processes or 2)
    if len(pages) < SCAN_PARALLEL_FROM or workers < 2:
        results = [_scan_pages(chunk) for chunk in chunks]
    else:  # a county site: two processes, the pages in the same order
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_scan_pages, chunks, chunksize=1)
    problems: list[Problem] = [problem for found in results for problem in found]
    return problems
