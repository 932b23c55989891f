"""Penalty arithmetic shared by the benchmark and decision rules: tiers and fine ranges.

A fine range is ``(unit, min, max)``: ``unit`` 元 for amounts, or a multiple of a base
(违法所得倍数, 货值金额倍数 …). Ranges of different units are never compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The order tiers are listed in, lightest first (国办发〔2022〕27号; 《行政处罚法》第三十二、三十三条).
TIER_ORDER = ("不予处罚", "减轻处罚", "从轻处罚", "一般处罚", "从重处罚")
#: Tiers whose fines must stay inside the statutory range (《行政处罚法》第三十四条; 27号 §(四)).
RANGED_TIERS = ("从轻处罚", "一般处罚", "从重处罚")


@dataclass(slots=True)  # not frozen: the rules make ~400,000 of these for a county, frozen ones cost 4x
class FineRange:
    unit: str
    min: float
    max: float
    index: int  # position in its `fines` list, for pointing at it

    def __contains__(self, other: FineRange) -> bool:
        return self.unit == other.unit and self.min <= other.min and other.max <= self.max

    def text(self) -> str:
        if self.unit == "元":
            return f"{_amount(self.min)}—{_amount(self.max)} 元"
        return f"{self.unit} {_amount(self.min)}—{_amount(self.max)} 倍"


def _amount(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


def fine_ranges(owner: Any) -> list[FineRange]:
    """The well-formed fine ranges under ``owner["fines"]`` (schema problems are reported elsewhere)."""
    fines = owner.get("fines") if isinstance(owner, dict) else None
    if not isinstance(fines, list):
        return []
    out = []
    for index, fine in enumerate(fines):
        # Several rules read every tier of a county's 30,000 benchmark entries: the checks are
        # written out rather than in a generator (a third of the rules' time went here).
        if isinstance(fine, dict):
            unit, low, high = fine.get("unit"), fine.get("min"), fine.get("max")
            if isinstance(unit, str) and _is_number(low) and _is_number(high):
                out.append(FineRange(unit, low, high, index))
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def tiers(entry: Any) -> list[tuple[int, dict]]:
    """(index, tier) for each well-formed tier of a benchmark entry."""
    values = entry.get("tiers") if isinstance(entry, dict) else None
    if not isinstance(values, list):
        return []
    return [(index, tier) for index, tier in enumerate(values)
            if isinstance(tier, dict) and tier.get("tier") in TIER_ORDER]


def tier_named(entry: Any, name: str) -> dict | None:
    return next((tier for _, tier in tiers(entry) if tier.get("tier") == name), None)


def kinds(owner: Any) -> list[str]:
    values = owner.get("kinds") if isinstance(owner, dict) else None
    return [k for k in values if isinstance(k, str)] if isinstance(values, list) else []
