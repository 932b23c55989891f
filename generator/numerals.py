"""Chinese numerals as departments write article numbers: 一百二十四, 十五, 一百零五, 两千."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    """第__条 numbers: Chinese numerals or Arabic digits; None when not a number."""
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for char in text:
        if char in DIGITS:
            if digit is not None and DIGITS[char] != 0:
                return None  # 二三: two digits without a unit
            digit = DIGITS[char] if DIGITS[char] != 0 else None
        elif char in UNITS:
            unit = UNITS[char]
            if unit >= last_unit:
                return None  # 十百: units must fall
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            return None
    return total + (digit or 0)


def to_chinese(number: int) -> str:
    """33 → 三十三, 124 → 一百二十四, 105 → 一百零五 (the way articles are cited)."""
    if number <= 0 or number >= 10_000:
        raise ValueError(number)
    names = "零一二三四五六七八九"
    parts: list[str] = []
    zero = False
    for unit_value, unit_name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit_value % 10
        if digit == 0:
            zero = bool(parts)
            continue
        if zero:
            parts.append("零")
            zero = False
        parts.append(names[digit] + unit_name)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text
