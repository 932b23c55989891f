"""Checksums and forms of the identifiers the law prescribes.

统一社会信用代码: GB 32100-2015 (check character, MOD 31). 文书号: GB/T 9704-2012 §7.2.4
(机关代字 + 〔年份〕 + 序号 + 号, no 第, no zero padding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


_USCC_VALUES = {char: value for value, char in enumerate(USCC_CHARSET)}


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 (GB 32100-2015 §4.2)."""
    if len(first17) != 17 or not _USCC_VALUES.keys() >= set(first17):
        raise ValueError(f"不是统一社会信用代码的前 17 位：{first17!r}")
    total = sum(map(int.__mul__, map(_USCC_VALUES.__getitem__, first17), USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_is_valid(code: str) -> bool:
    return (len(code) == 18 and all(char in USCC_CHARSET for char in code)
            and uscc_check_char(code[:17]) == code[17])


DOC_NO = re.compile(r"(?P<prefix>[\u4e00-\u9fa5A-Za-z0-9]{2,20}?)〔(?P<year>(?:19|20)\d{2})〕(?P<seq>[1-9]\d{0,5})号")


@dataclass(frozen=True)
class DocNo:
    prefix: str
    year: int
    seq: int


def parse_doc_no(text: str) -> DocNo | None:
    match = DOC_NO.fullmatch(text)
    if not match:
        return None
    return DocNo(match["prefix"], int(match["year"]), int(match["seq"]))


def doc_no_advice(text: str) -> str:
    """Why a 文书号 is not in the prescribed form, in words a clerk can act on."""
    if re.search(r"[\[\]【】()（）{}［］]\s*(19|20)\d{2}\s*[\[\]【】()（）{}［］]", text):
        return "年份应放在六角括号〔〕中（不是 [ ]、【 】或圆括号）"
    if re.search(r"〕\s*第", text):
        return "序号前不加“第”"
    if re.search(r"〕\s*0\d", text):
        return "序号不补零（写 1号，不写 01号）"
    if not text.endswith("号"):
        return "应以“号”结尾"
    if "〔" not in text:
        return "缺少〔年份〕"
    if re.search(r"\s", text):
        return "不应含有空格"
    return "应为 机关代字〔四位年份〕序号号，例如 连山市监罚〔2024〕12号"
