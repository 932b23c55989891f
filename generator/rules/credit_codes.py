"""统一社会信用代码必须通过 GB 32100-2015 校验。

第 18 位是由前 17 位计算出的校验码（字符集 0-9、A-H、J-N、P-R、T、U、W、X、Y，模 31）。
输错一位的代码会在发布到企业名称旁边之前被发现。

通过：``credit_code: "91441825MA4W2G6Y8W"``（校验码正确）

不通过（``credit-code-checksum``）：把同一代码的最后一位改成 X。
"""

from __future__ import annotations

from collections.abc import Iterator

from ..corpus import RECORD_KINDS, Corpus
from ..identifiers import USCC_CHARSET, uscc_check_char
from ..problems import Problem

CODES = {"credit-code-checksum": "统一社会信用代码校验位不正确"}
SOURCE = "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》"
#: Each file is checked on its own: a changed one is checked
#: again, the answers about the others are kept (checker.run_rules).
READS = RECORD_KINDS
EACH = RECORD_KINDS


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
