"""统一社会信用代码 pass the GB 32100-2015 check.

The 18th character is a check character computed from the first 17 (MOD 31 over the
charset 0-9 A-H J-N P-R T U W X Y). A mistyped character is caught here before it is
published next to an enterprise's name.

PASS: ``credit_code: "91441825MA4W2G6Y8B"`` (check character correct)

FAIL (``credit-code-checksum``): the same code with its last character changed.
"""

from __future__ import annotations

from typing import Iterator

from ..corpus import Corpus
from ..identifiers import USCC_CHARSET, uscc_check_char
from ..problems import Problem

CODES = {"credit-code-checksum": "统一社会信用代码校验位不正确"}
SOURCE = "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"


def check(corpus: Corpus) -> Iterator[Problem]:
    for document, path, code in corpus.tracked("credit_code"):
        # Codes with characters outside the charset already fail the schema's pattern.
        if len(code) != 18 or any(char not in USCC_CHARSET for char in code):
            continue
        expected = uscc_check_char(code[:17])
        if code[17] != expected:
            yield Problem("credit-code-checksum",
                          f"统一社会信用代码 {code} 的校验位应为 {expected}，实际为 {code[17]}："
                          "代码中可能有输错的字符，请与营业执照或登记证书逐位核对。",
                          document.file, path=path, source=SOURCE)
