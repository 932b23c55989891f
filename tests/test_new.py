"""`portal new`: skeletons that fail at their blanks and validate once the blanks are filled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DECISIONS = "data/agencies/lsscjgj/decisions"
ITEMS = "data/agencies/lsscjgj/items.yaml"
PERSONNEL = "data/agencies/lsscjgj/personnel.yaml"

_KEY = re.compile(r"^(?P<lead>\s*(?:- )?)(?P<key>[a-z_]+):(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<lead>\s*)-(?P<rest>\s+#.*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" -"))


def fill(text: str, values: dict[str, list[str]]) -> str:
    """Fill a skeleton's blanks as a clerk would: each empty `key:` with the next value for that
    key, and each bare `-` with the next value for the list it belongs to."""
    lines = text.splitlines()
    out, opener = [], None
    for number, line in enumerate(lines):
        key, item = _KEY.match(line), _ITEM.match(line)
        if key and key["rest"].lstrip().startswith("#"):
            following = next((n for n in lines[number + 1:] if not n.lstrip().startswith("#")), "")
            if _indent(following) > _indent(line):  # opens a block: its children are filled
                opener = key["key"]
            else:
                value = values[key["key"]].pop(0)
                line = f"{key['lead']}{key['key']}: {value}{key['rest']}"
        elif item:
            line = f"{item['lead']}- {values[opener].pop(0)}{item['rest']}"
        out.append(line)
    assert all(not rest for rest in values.values()), values  # every value used: the skeleton has these blanks
    return "\n".join(out) + "\n"


FILLS = {
    "decision": {
        "type": ["行政处罚"], "title": ["对连山某某食品店经营超过保质期食品的行政处罚决定"], "item": ["441825-SCJG-CF-0001"],
        "town": ["吉田镇"], "kind": ["法人"], "name": ["连山壮族瑶族自治县禾丰食品有限公司"],
        "credit_code": ["91441825MA4W2G6Y8W"], "legal_rep": ["陈某"], "facts": ["当事人经营超过保质期的食品，货值金额 300 元。"],
        "basis": ["《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"], "entry": ["ls-sp-001"],
        "tier": ["从轻处罚"], "kinds": ["罚款"], "fine": ["52000"], "procedure": ["普通"],
        "officers": ['"44182501001"', '"44182501002"'], "major": ["false"],
        "decided_on": ["2024-05-10"], "published_on": ["2024-05-13"],
    },
    "item": {
        "code": ["441825-SCJG-CF-0002"], "name": ["对经营标签不符合规定的食品的行政处罚"], "type": ["行政处罚"],
        "basis": ["《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"], "level": ["县级"],
        "sector": ["食品安全"], "duties": ["依法查处违法行为"], "accountability": ["不依法履行职责的"],
        "date": ["2024-06-01"], "reason": ["新增职权"], "document": ["连府〔2024〕1号"],
    },
    "officer": {
        "name": ["王小明"], "cert_no": ['"44182501003"'], "fields": ["市场监管"], "region": ["连山壮族瑶族自治县"],
        "valid_from": ["2024-01-01"], "valid_until": ["2029-12-31"],
    },
    "benchmark": {
        "title": ["连山壮族瑶族自治县市场监督管理局行政处罚裁量权基准细化（二）"], "doc_no": ["连山市监规〔2024〕2号"],
        "issuer": ["连山壮族瑶族自治县市场监督管理局"], "effective_from": ["2024-07-01"], "review_by": ["2026-07-01"],
        "id": ["ls-sp-002"], "item": ["441825-SCJG-CF-0001"], "parent": ["gd-sp-001"], "violation": ["经营超过保质期的食品"],
        "violated": ["《中华人民共和国食品安全法》第三十四条第（十）项"],
        "penalty_basis": ["《中华人民共和国食品安全法》第一百二十四条第一款第（五）项"],
        "kinds": ["罚款"] * 4, "min": ["50000", "50000", "65000", "85000"], "max": ["100000", "65000", "85000", "100000"],
        "circumstances": ["货值金额不足一千元的", "货值金额一千元以上不足五千元的", "货值金额五千元以上的"],
    },
}
WRITTEN = {"decision": f"{DECISIONS}/2024/2024-013.yaml", "item": ITEMS, "officer": PERSONNEL,
           "benchmark": "data/agencies/lsscjgj/benchmarks/lsscjgj-2024.yaml"}


@pytest.mark.parametrize("kind", list(FILLS))
def test_each_skeleton_validates_once_its_blanks_are_filled(cli, project: Path, kind: str):
    before = (project / WRITTEN[kind]).read_bytes() if (project / WRITTEN[kind]).exists() else b""
    code, out, err = cli("new", kind, "--agency", "lsscjgj", "--year", "2024", "--root", str(project))
    assert (code, err, out.startswith(f"已写入 {WRITTEN[kind]}。")) == (0, "", True)

    path = project / WRITTEN[kind]
    written = path.read_text(encoding="utf-8")
    assert path.read_bytes().startswith(before)  # lists grow at the end; nothing else moves
    code, out, _ = cli("validate", "--root", str(project))
    assert code == 1 and f"{WRITTEN[kind]}:" in out  # the blanks are errors until filled

    path.write_text(fill(written, {key: list(values) for key, values in FILLS[kind].items()}), encoding="utf-8")
    code, out, _ = cli("validate", "--root", str(project))
    assert (code, out.splitlines()[-1]) == (0, "共检查 12 个文件：全部通过。" if kind in ("decision", "benchmark")
                                            else "共检查 11 个文件：全部通过。"), out


@pytest.mark.parametrize("kind", list(FILLS))
def test_every_skeleton_line_has_a_chinese_comment(cli, project: Path, kind: str):
    before = (project / WRITTEN[kind]).read_text(encoding="utf-8") if kind in ("item", "officer") else ""
    cli("new", kind, "--agency", "lsscjgj", "--year", "2024", "--root", str(project))
    added = (project / WRITTEN[kind]).read_text(encoding="utf-8")[len(before):]
    lines = [line for line in added.splitlines() if line.strip()]
    assert lines and [line for line in lines if not re.search(r"# .*[\u4e00-\u9fa5]", line)] == []


def test_the_decision_skeleton_suggests_the_next_free_doc_no_of_the_year(cli, project: Path):
    cli("new", "decision", "--agency", "lsscjgj", "--year", "2024", "--root", str(project))
    cli("new", "decision", "--agency", "lsscjgj", "--year", "2024", "--root", str(project))
    code, out, _ = cli("new", "decision", "--agency", "lsscjgj", "--year", "2025", "--root", str(project))
    assert code == 0 and "连山市监罚〔2025〕1号" in out
    assert "doc_no: 连山市监罚〔2024〕13号" in (project / DECISIONS / "2024" / "2024-013.yaml").read_text(encoding="utf-8")
    assert "doc_no: 连山市监罚〔2024〕14号" in (project / DECISIONS / "2024" / "2024-014.yaml").read_text(encoding="utf-8")
    assert "doc_no: 连山市监罚〔2025〕1号" in (project / DECISIONS / "2025" / "2025-001.yaml").read_text(encoding="utf-8")


def test_new_never_overwrites_a_file(cli, project: Path):
    existing = project / DECISIONS / "2024" / "2024-013.yaml"
    text = (project / DECISIONS / "2024" / "2024-012.yaml").read_text(encoding="utf-8")
    existing.write_text(text.replace("〔2024〕12号", "〔2024〕5号"), encoding="utf-8")  # 13 is free, its file is not
    code, out, err = cli("new", "decision", "--agency", "lsscjgj", "--year", "2024", "--root", str(project))
    assert (code, out) == (1, "")
    assert err == f"{DECISIONS}/2024/2024-013.yaml 已经存在，不会覆盖。请先填写或改名已有的文件，再重新运行。\n"
    assert existing.read_text(encoding="utf-8") == text.replace("〔2024〕12号", "〔2024〕5号")


def test_an_unknown_agency_is_a_usage_error(cli, project: Path):
    code, out, err = cli("new", "item", "--agency", "nosuch", "--root", str(project))
    assert (code, out) == (2, "")
    assert "没有标识为 nosuch 的执法主体" in err and "jitian、lsscjgj" in err


def test_a_list_that_does_not_end_the_file_is_left_alone(cli, project: Path):
    items = project / ITEMS
    text = items.read_text(encoding="utf-8")
    moved = text.replace("agency: lsscjgj\n", "") + "agency: lsscjgj\n"
    items.write_text(moved, encoding="utf-8")
    code, _, err = cli("new", "item", "--agency", "lsscjgj", "--root", str(project))
    assert (code, items.read_text(encoding="utf-8")) == (1, moved)
    assert "items: 不是最后一个字段" in err


def test_a_body_without_a_list_file_gets_one(cli, project: Path):
    code, out, _ = cli("new", "item", "--agency", "jitian", "--root", str(project))
    assert (code, out.startswith("已写入 data/agencies/jitian/items.yaml。")) == (0, True)
    path = project / "data/agencies/jitian/items.yaml"
    values = {key: list(v) for key, v in FILLS["item"].items()}
    values.update(code=["441825-JT-CF-0001"], level=["镇级"])
    path.write_text(fill(path.read_text(encoding="utf-8"), values), encoding="utf-8")
    code, out, _ = cli("validate", "--root", str(project))
    assert (code, out.splitlines()[-1]) == (0, "共检查 12 个文件：全部通过。"), out


def test_a_crlf_file_grows_with_crlf_lines(cli, project: Path):
    personnel = project / PERSONNEL
    personnel.write_bytes(personnel.read_bytes().replace(b"\n", b"\r\n"))
    cli("new", "officer", "--agency", "lsscjgj", "--root", str(project))
    raw = personnel.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")


def test_a_decision_gets_the_penalty_prefix_unless_another_is_chosen(cli, project: Path):
    agency = project / "data/agencies/lsscjgj/agency.yaml"
    agency.write_text(agency.read_text(encoding="utf-8").replace("[连山市监罚]", "[连山市监许, 连山市监罚]"), encoding="utf-8")
    code, out, _ = cli("new", "decision", "--agency", "lsscjgj", "--year", "2024", "--root", str(project))
    assert (code, "连山市监罚〔2024〕13号" in out) == (0, True)
    text = (project / DECISIONS / "2024" / "2024-013.yaml").read_text(encoding="utf-8")
    assert "其他代字的下一个号：连山市监许〔2024〕1号" in text
    code, out, _ = cli("new", "decision", "--agency", "lsscjgj", "--year", "2024", "--prefix", "连山市监许",
                       "--root", str(project))
    assert (code, out.startswith(f"已写入 {DECISIONS}/2024/2024-001.yaml。文书号建议为 连山市监许〔2024〕1号。")) == (0, True)


def test_an_unregistered_prefix_is_a_usage_error(cli, project: Path):
    code, _, err = cli("new", "decision", "--agency", "lsscjgj", "--prefix", "连山罚", "--root", str(project))
    assert code == 2 and "“连山罚”不是 lsscjgj 登记的机关代字（连山市监罚）" in err
