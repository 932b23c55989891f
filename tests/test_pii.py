"""Personal data never reaches the repository or the site: detectors, the source rule, the
allow-list, the name-masking rule and the scan of the built site.

Every ID number here is synthetic: generated in the test with a valid check character and
the sequence 000, which is never issued. Phone numbers are 13800138000 (an operator's
service line) and bank cards are zeros with a Luhn check digit.
"""

from __future__ import annotations

import datetime
import json
import hashlib
import random
import shutil
from pathlib import Path

import pytest

from generator import forking, pii
from generator.checker import validate
from generator.identifiers import uscc_is_valid
from generator.layout import place
from generator.rules import SOURCE_RULES, personal_data

from .conftest import INVALID, REPO

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
TODAY = datetime.date(2026, 11, 27)
FACTS = "facts: 当事人经营超过保质期的食品，货值金额 120 元。\n"


def synthetic_id(region: str = "441825", born: str = "19800101", sequence: str = "000") -> str:
    first17 = region + born + sequence
    return first17 + pii.id_check_char(first17)


def luhn_complete(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if pii.luhn_is_valid(prefix + d))


ID = synthetic_id()
CARD = luhn_complete("621700000000123")  # 16 digits, UnionPay prefix
OTHER_CARD = luhn_complete("431700000000123")  # 16 digits, no UnionPay prefix


def kinds(text: str, **kwargs) -> list[str]:
    return [finding.kind for finding in pii.find(text, today=TODAY, **kwargs)]


# --- 居民身份证号码 ---------------------------------------------------------------------------

def test_every_synthetic_id_with_a_valid_check_character_is_found():
    rng = random.Random(11643)
    regions = ["441825", "441802", "110101", "450102", "820000"]
    ids = []
    for _ in range(2000):
        born = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(46000))
        ids.append(synthetic_id(rng.choice(regions), born.strftime("%Y%m%d"), f"{rng.randrange(1000):03d}"))
    found = [i for i in ids if kinds(f"当事人身份证号{i}，") == ["id-number"]]
    assert len(found) == len(ids) == 2000


def test_an_id_with_one_mistyped_digit_is_never_reported():
    rng = random.Random(7064)
    typos = 0
    for _ in range(200):
        number = synthetic_id(born=f"19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{rng.randrange(0, 9)}",
                              sequence=f"{rng.randrange(1000):03d}")
        for position in range(17):
            for digit in "0123456789":
                if digit != number[position]:
                    typo = number[:position] + digit + number[position + 1:]
                    typos += 1
                    assert kinds(typo) == [], typo
    assert typos == 200 * 17 * 9


@pytest.mark.parametrize("text", [
    pytest.param(ID[:-1] + ("1" if ID[-1] != "1" else "2"), id="wrong-check-character"),
    pytest.param(synthetic_id(born="19800230"), id="february-30th"),
    pytest.param(synthetic_id(born="18991231"), id="born-before-1900"),
    pytest.param(synthetic_id(born="20301231"), id="born-in-the-future"),
    pytest.param(synthetic_id(region="991825"), id="no-such-province"),
    pytest.param("9" + ID, id="inside-a-longer-number"),
    pytest.param("A" + ID, id="inside-a-code"),
])
def test_an_18_digit_number_that_is_not_a_plausible_id_is_not_reported(text: str):
    assert kinds(text) == []


def test_lower_case_x_and_full_width_digits_are_still_ids():
    number = next(synthetic_id(sequence=f"{n:03d}") for n in range(1000) if synthetic_id(sequence=f"{n:03d}")[-1] == "X")
    assert kinds(number.lower()) == ["id-number"]
    full_width = number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    findings = pii.find(f"证号{full_width}")
    assert [(f.kind, f.value, f.column) for f in findings] == [("id-number", number, 3)]


def test_an_all_digit_credit_code_is_not_an_id_where_it_is_written_as_one():
    both = "124419198001010091"  # passes GB 32100 and GB 11643 alike
    assert uscc_is_valid(both) and pii.id_number_is_valid(both)
    assert kinds(f'credit_code: "{both}"') == []
    assert kinds(f"统一社会信用代码：{both}") == []
    assert kinds(f"证件号码：{both}") == ["id-number"]


# --- what must not be reported -----------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("罚款 15000000000 元", id="amount-with-space"),
    pytest.param("罚款15000000000元", id="amount"),
    pytest.param("货值 13800000000 万元", id="amount-in-ten-thousands"),
    pytest.param("违法所得 13800000000.50 元", id="amount-with-decimals"),
    pytest.param("第13800138000号", id="a-number-followed-by-hao"),
    pytest.param("91441825MA4W2G6Y8W", id="credit-code"),
    pytest.param("11441825007010001A", id="agency-credit-code"),
    pytest.param("连山市监罚〔2024〕12号", id="doc-number"),
    pytest.param("（2024）粤1802行初215号", id="court-case-number"),
    pytest.param("2024-04-10 20240410 2024年4月10日", id="dates"),
    pytest.param('cert_no: "44182501001"', id="enforcement-certificate"),
    pytest.param("GD13800138000", id="mobile-shaped-inside-a-code"),
    pytest.param("粤ICP备00000000号-1 粤公网安备 44182502000001号", id="filing-numbers"),
    pytest.param("办公电话 0763-6600001，投诉电话 12345", id="landlines-and-hotlines"),
    pytest.param("1714000000000", id="timestamp"),
    pytest.param(OTHER_CARD, id="luhn-number-without-prefix-or-keyword"),
    pytest.param("address: 连山壮族瑶族自治县吉田镇鹿鸣路 1 号", id="agency-office-address"),
    pytest.param("连山某某食品有限公司位于吉田镇鹿鸣路12号", id="company-address-next-to-a-company-name"),
    pytest.param("在建设住宅小区二期项目时，在3号楼屋面加建", id="building-number-in-facts"),
])
def test_numbers_and_addresses_that_are_not_personal_data_are_not_reported(text: str):
    assert kinds(text) == []


# --- what must be reported ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("联系电话13800138000。", ["mobile"]),
    ("手机：138 0013 8000", ["mobile"]),
    ("手机：138-0013-8000", ["mobile"]),
    ("货值 13800138000", ["mobile"]),  # no unit: it reads as a number someone can dial
    (f"货款转入 {CARD}", ["bank-card"]),
    (f"货款转入 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}", ["bank-card"]),
    (f"开户银行账号：{OTHER_CARD}", ["bank-card"]),
    (f"卡号{CARD} 12月", ["bank-card"]),
    (f"身份证号{ID}，电话13800138000，卡号{CARD}", ["id-number", "mobile", "bank-card"]),
    ("当事人张某住吉田镇鹿鸣路12号，", ["address"]),
    ("当事人欧阳某某在太保镇欧家村3号建房", ["address"]),
    ("证人李某称当事人住吉田镇沙田村三组", ["address"]),
], ids=["mobile", "mobile-3-4-4-spaces", "mobile-3-4-4-hyphens", "mobile-without-unit", "card-62",
        "card-in-groups", "card-after-keyword", "card-followed-by-a-number", "all-three", "address-next-to-masked-name",
        "address-village-and-compound-surname", "address-chinese-numeral-group"])
def test_personal_data_is_reported(text: str, expected: list[str]):
    assert kinds(text) == expected


def test_an_address_in_a_natural_persons_record_is_reported_without_a_name_nearby():
    text = "facts: 当事人在吉田镇鹿鸣路12号门前焚烧垃圾。"
    assert kinds(text) == []
    assert kinds(text, natural_person=True) == ["address"]


def test_findings_have_the_line_and_column_of_their_first_character():
    findings = pii.find(f"title: 某决定\nfacts: 当事人陈某，身份证号 {ID}。\n")
    assert [(f.kind, f.line, f.column) for f in findings] == [("id-number", 2, 19)]


def test_masked_values_never_show_the_whole_value():
    findings = pii.find(f"身份证号{ID}，电话13800138000，卡号{CARD}，张某住吉田镇鹿鸣路12号")
    assert [f.masked for f in findings] == ["4418**********0009", "138****8000", "6217********1236", "鹿鸣路**号"]
    assert all(f.value not in f.masked for f in findings)


# --- the source rule ---------------------------------------------------------------------

def source_findings(text: str, rel: str = DECISION) -> list[tuple[str, int, int]]:
    placement = place(rel.removeprefix("data/"), rel)
    return [(p.code, p.line, p.column) for p in personal_data.check_source(text, placement)]


def test_the_source_rule_is_registered():
    assert SOURCE_RULES["personal_data"] is personal_data


def test_an_unquoted_id_and_an_id_in_a_comment_are_both_found_in_the_bytes():
    text = f"doc_no: 连山市监罚〔2024〕12号\n# 身份证号 {ID}\nparty:\n  legal_rep: {ID}\n"
    assert source_findings(text) == [("pii-id-number", 2, 8), ("pii-id-number", 4, 14)]


def test_messages_say_where_mask_the_value_and_cite_the_law():
    text = f"facts: >-\n  当事人陈某，\n  身份证号 {ID}。\nparty:\n  legal_rep: 陈某  # 电话 13800138000\n"
    placement = place(DECISION.removeprefix("data/"), DECISION)
    problems = list(personal_data.check_source(text, placement))
    assert [p.message.split("（")[0] for p in problems] == ["字段 facts 中含有居民身份证号码", "注释中含有手机号码"]
    for problem in problems:
        assert ID not in problem.message and "13800138000" not in problem.message
        assert "4418**********0009" in problem.message or "138****8000" in problem.message
        assert "data/pii-allowlist.yaml" in problem.message
        assert "《中华人民共和国个人信息保护法》第二十五条" in problem.source
        assert "《中华人民共和国行政处罚法》第五十条" in problem.source


def test_agency_office_addresses_are_not_flagged():
    agencies = sorted((REPO / "data" / "agencies").glob("*/agency.yaml"))
    assert len(agencies) >= 8
    for path in agencies:
        rel = path.relative_to(REPO).as_posix()
        assert source_findings(path.read_text(encoding="utf-8"), rel) == [], rel


def test_only_a_natural_persons_decision_counts_every_address():
    facts = "facts: 当事人在吉田镇鹿鸣路12号门前焚烧垃圾。\n"
    assert source_findings("party:\n  kind: 自然人\n  name: 陈某\n" + facts) == [("pii-address", 4, 15)]
    assert source_findings("party: {kind: 自然人, name: 陈某}\n" + facts) == [("pii-address", 2, 15)]
    assert source_findings("party:\n  kind: 个体工商户\n  name: 某店\n" + facts) == []


def test_the_bundled_data_has_no_personal_data(tmp_path: Path):
    problems = [p for p in validate(REPO).problems if p.code.startswith("pii-")]
    assert problems == []


@pytest.mark.parametrize("name", sorted(p.name for p in INVALID.glob("pii-*.yaml") if "allowlist" not in p.name))
def test_no_fixture_message_repeats_the_value(name: str, project: Path):
    shutil.copyfile(INVALID / name, project / DECISION)
    problems = [p for p in validate(project).problems if p.code.startswith("pii-")]
    assert problems
    for problem in problems:
        assert ID not in problem.message and "13800138000" not in problem.message
        assert "6217 0000 0000 1236" not in problem.message and "鹿鸣路12号" not in problem.message


# --- the allow-list ----------------------------------------------------------------------

def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def allow(project: Path, *entries: tuple[str, str, str]) -> None:
    lines = ["entries:"]
    for file, kind, digest in entries:
        lines += [f"  - file: {file}", f"    kind: {kind}", f"    sha256: {digest}",
                  "    reason: 是产品批号，不是身份证号码", "    reviewer: 县司法局行政执法监督股", "    date: 2024-05-06"]
    (project / "data" / "pii-allowlist.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def put_id_in_facts(project: Path) -> None:
    path = project / DECISION
    text = path.read_text(encoding="utf-8")
    assert FACTS in text
    path.write_text(text.replace(FACTS, f"facts: 当事人经营超过保质期的食品，产品批号 {ID}。\n"), encoding="utf-8")


def codes(project: Path) -> list[tuple[str, str, int, int]]:
    return [(p.code, p.file, p.line, p.column) for p in validate(project).problems]


def test_without_an_entry_the_finding_is_an_error(project: Path):
    put_id_in_facts(project)
    assert codes(project) == [("pii-id-number", DECISION, 12, 27)]


def test_a_listed_finding_is_not_reported(project: Path):
    put_id_in_facts(project)
    allow(project, (DECISION, "id-number", sha256(ID)))
    assert codes(project) == []


def test_an_entry_for_another_file_or_kind_does_not_hide_the_finding(project: Path):
    put_id_in_facts(project)
    other = "data/agencies/lsscjgj/items.yaml"
    allow(project, (other, "id-number", sha256(ID)), (DECISION, "bank-card", sha256(ID)))
    assert codes(project) == [
        ("pii-id-number", DECISION, 12, 27),
        ("pii-allowlist-stale", "data/pii-allowlist.yaml", 2, 5),
        ("pii-allowlist-stale", "data/pii-allowlist.yaml", 8, 5),
    ]


def test_an_entry_matching_nothing_is_a_stale_warning(project: Path):
    allow(project, (DECISION, "id-number", sha256(ID)))
    problems = validate(project).problems
    assert [(p.code, p.severity.value, p.line, p.column) for p in problems] == [
        ("pii-allowlist-stale", "warning", 2, 5)]
    assert ID not in problems[0].message


def test_the_allowlist_holds_digests_not_values_and_a_broken_one_allows_nothing(project: Path):
    put_id_in_facts(project)
    allow(project, (DECISION, "id-number", sha256(ID)), (DECISION, "id-number", ID))
    assert codes(project) == [
        ("pii-id-number", DECISION, 12, 27),
        ("pii-id-number", "data/pii-allowlist.yaml", 10, 13),
        ("schema-pattern", "data/pii-allowlist.yaml", 10, 13),
    ]


def test_the_bundled_allowlist_is_empty_and_valid():
    corpus = validate(REPO).corpus
    assert [d.data for d in corpus.of("pii-allowlist")] == [{"entries": []}]


# --- the masking rule --------------------------------------------------------------------

def set_party(project: Path, party: str) -> None:
    path = project / DECISION
    text = path.read_text(encoding="utf-8")
    old = "  kind: 法人\n  name: 连山壮族瑶族自治县禾丰食品有限公司\n  credit_code: \"91441825MA4W2G6Y8W\"\n  legal_rep: 陈某\n"
    assert old in text
    path.write_text(text.replace(old, party), encoding="utf-8")


@pytest.mark.parametrize("name", ["张某", "张某某", "欧阳某", "欧阳某某", "覃某", "盘某某", "张某甲", "某某"])
def test_masked_natural_person_names_pass(name: str, project: Path):
    set_party(project, f"  kind: 自然人\n  name: {name}\n")
    assert codes(project) == []


@pytest.mark.parametrize("name", ["张三", "张三丰", "欧阳明", "张三某", "陈某（男）", "Zhang San"])
def test_unmasked_natural_person_names_fail(name: str, project: Path):
    set_party(project, f"  kind: 自然人\n  name: {name}\n")
    problems = validate(project).problems
    assert [(p.code, p.line, p.column) for p in problems] == [("unmasked-name", 9, 9)]
    assert name not in problems[0].message


def test_a_sole_traders_operator_is_masked_and_a_companys_legal_representative_is_not(project: Path):
    trader = "  kind: 个体工商户\n  name: 连山壮族瑶族自治县吉田镇鹿鸣果蔬店\n  credit_code: \"91441825MA4W2G6Y8W\"\n"
    set_party(project, trader + "  legal_rep: 陈某某\n")
    assert codes(project) == []
    set_party_again = (project / DECISION).read_text(encoding="utf-8").replace("legal_rep: 陈某某", "legal_rep: 陈小明")
    (project / DECISION).write_text(set_party_again, encoding="utf-8")
    assert [c[0] for c in codes(project)] == ["unmasked-name"]


def test_a_companys_legal_representative_is_published_as_written(project: Path):
    path = project / DECISION
    path.write_text(path.read_text(encoding="utf-8").replace("legal_rep: 陈某", "legal_rep: 陈小明"), encoding="utf-8")
    assert codes(project) == []


def test_a_decision_about_a_minor_is_not_published(project: Path):
    set_party(project, "  kind: 自然人\n  name: 陈某\n  minor: true\n")
    problems = validate(project).problems
    assert [(p.code, p.line, p.column) for p in problems] == [("minor-party", 10, 10)]
    assert "未成年人当事人不得在网上公开" in problems[0].message


# --- the built site ----------------------------------------------------------------------

def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def site_findings(site: Path, **kwargs) -> list[tuple[str, str, int, int]]:
    return [(p.code, p.file, p.line, p.column) for p in pii.scan_site(site, today=TODAY, **kwargs)]


def test_scan_site_names_the_page_line_and_column_of_an_id(tmp_path: Path):
    write(tmp_path / "decisions" / "index.html",
          f"<html>\n<body>\n<table><tr><td>陈某</td><td>身份证号 <strong>{ID}</strong></td></tr></table>\n")
    write(tmp_path / "index.html", "<p>2024-04-10 连山市监罚〔2024〕12号</p>\n")
    assert site_findings(tmp_path) == [("pii-id-number", "decisions/index.html", 3, 40)]
    assert "decisions/index.html" in pii.scan_site(tmp_path)[0].message


def test_scan_site_does_not_walk_into_the_folders_it_is_told_hold_only_pages_scanned_before(tmp_path: Path):
    for folder in ("decisions/x/1", "decisions/x/2", "decisions/x"):
        write(tmp_path / folder / "index.html", f"<p>身份证号 {ID}</p>\n")
    assert [file for _, file, _, _ in site_findings(tmp_path, prune={"decisions/x/1"})] == [
        "decisions/x/2/index.html", "decisions/x/index.html"]


def test_scan_site_decodes_entities_and_json_escapes(tmp_path: Path):
    entity = "".join(f"&#{ord(c)};" for c in ID)
    escaped = "".join(f"\\u{ord(c):04x}" for c in "电话13800138000")
    write(tmp_path / "a.html", f"<p>号码 {entity}</p>")
    write(tmp_path / "search" / "index.json", f'{{"text": "{escaped}"}}')
    write(tmp_path / "data.csv", f"name,card\n张某,{CARD}\n")
    write(tmp_path / "robots.txt", "User-agent: *\n")
    write(tmp_path / "app.js", f"var x = '{ID}';")  # not a page: scripts are the theme's
    assert site_findings(tmp_path) == [
        ("pii-id-number", "a.html", 1, 7), ("pii-bank-card", "data.csv", 2, 4),
        ("pii-mobile", "search/index.json", 1, 23)]


def test_scan_site_flags_an_address_only_next_to_a_masked_name(tmp_path: Path):
    write(tmp_path / "agencies" / "x" / "index.html",
          "<tr><td>办公地址</td><td>连山壮族瑶族自治县吉田镇鹿鸣路18号</td></tr>\n"
          "<tr><td>陈某</td><td>对陈某焚烧垃圾的处罚</td></tr>\n")
    write(tmp_path / "decisions" / "index.html", "<p>当事人陈某住吉田镇鹿鸣路12号，</p>")
    assert site_findings(tmp_path) == [("pii-address", "decisions/index.html", 1, 13)]


def test_scan_site_skips_reviewed_values(tmp_path: Path):
    write(tmp_path / "index.html", f"<p>产品批号 {ID}</p>")
    assert site_findings(tmp_path, allowed={("id-number", sha256(ID))}) == []
    assert len(site_findings(tmp_path, allowed={("mobile", sha256(ID))})) == 1


def build(cli, project: Path) -> tuple[int, str, str, Path]:
    out = project / "site"
    code, stdout, stderr = cli("build", "--root", str(project), "--out", str(out), "--today", "2026-11-27")
    return code, stdout, stderr, out


def test_a_decision_with_an_id_in_its_facts_is_stopped_before_the_build(cli, project: Path):
    put_id_in_facts(project)
    code, _, stderr, out = build(cli, project)
    assert code == 1
    assert f"{DECISION}:12:27: 错误 [pii-id-number]" in stderr and ID not in stderr
    assert not out.exists()


def test_a_page_with_an_id_fails_the_build_names_the_page_and_leaves_nothing_published(cli, project: Path):
    write(project / "docs" / "notice.md", f"# 公告\n\n联系人身份证号 {ID}\n")
    code, stdout, stderr, out = build(cli, project)
    assert (code, stdout) == (1, "")
    assert "notice/index.html:" in stderr and "[pii-id-number]" in stderr and "网站未发布" in stderr
    assert ID not in stderr
    assert list(out.iterdir()) == []


def test_a_plain_mkdocs_build_with_personal_data_on_a_page_stops_and_publishes_nothing(project: Path, caplog):
    # `mkdocs build` (or `serve`) without portal: the hook itself is the last gate.
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    from generator.build import HOOK

    write(project / "docs" / "notice.md", f"# 公告\n\n联系人身份证号 {ID}\n")
    out = project / "site"
    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(out), hooks=[str(HOOK)])
    with pytest.raises(Abort):
        mkdocs_build(config)
    assert list(out.iterdir()) == []
    assert "notice/index.html:" in caplog.text and "[pii-id-number]" in caplog.text and "网站未发布" in caplog.text
    assert ID not in caplog.text


def test_a_reviewed_value_does_not_stop_the_build(cli, project: Path):
    put_id_in_facts(project)
    allow(project, (DECISION, "id-number", sha256(ID)))
    write(project / "docs" / "notice.md", f"# 公告\n\n产品批号 {ID}\n")
    code, _, stderr, _ = build(cli, project)
    assert (code, stderr) == (0, "")


def test_the_site_built_from_the_sample_data_has_no_personal_data(tmp_path: Path):
    from generator.build import build_site

    out = tmp_path / "site"
    assert build_site(REPO, out=out, today=TODAY) == 0
    assert (out / "index.html").is_file()
    assert pii.scan_site(out, today=TODAY) == []


# The detectors' patterns are written for speed (the character they need first, then a
# lookbehind); these are the plain forms they must behave exactly like.
_PLAIN_PATTERNS = {
    "_ID": r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])",
    "_MOBILE": r"(?<![0-9A-Za-z])(?<!\d\.)1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])(?!\.\d)(?!\s*(?:元|万|亿|号))",
    "_CARD": r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?(?![ -]\d))(?![0-9A-Za-z])",
    "_ADDRESS": r"(?<=[省市区县镇乡村])[\u4e00-\u9fff]{1,10}?(?:路|街|巷|道|村|屯|寨|小区|社区|组)"
                r"\s?(?:\d{1,5}|[一二三四五六七八九十百零〇]{1,4})\s?(?:号|栋|幢|座|室|组|队)"
                r"(?:\s?\d{1,5}\s?(?:号|栋|幢|座|单元|室|楼|层))*",
}


@pytest.mark.parametrize("name", sorted(_PLAIN_PATTERNS))
def test_each_fast_pattern_finds_exactly_what_its_plain_form_finds(name: str):
    import re

    fast, plain = getattr(pii, name), re.compile(_PLAIN_PATTERNS[name])
    rng = random.Random(name)
    digits = "0123456789" * 12 + "1" * 20 + "38" * 10 + " -.Xxa元号"
    words = "0123456789013813800 -.Xx a某镇村路号室元万#\n省鹿鸣12组栋单元楼层"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
             for alphabet in (digits, words) for _ in range(3000)]
    texts += [synthetic_id(), "a" + synthetic_id(), "13800138000", "138 0013 8000", "1.13800138000",
              "6" + "0" * 15 + "1", "6222 0000 0000 0000 123", "吉田镇鹿鸣路12号", "X镇鹿鸣路12号"]
    texts += [text + text[::-1] for text in texts[:500]]
    group = "found" if "found" in fast.groupindex else 0  # a pattern may match from just before it
    matches = 0
    for text in texts:
        found = [m.span(group) for m in fast.finditer(text)]
        assert found == [(m.start(), m.end()) for m in plain.finditer(text)], text
        matches += len(found)
    assert matches >= 10  # the texts exercise the pattern, not only its absence


def test_full_width_digits_are_read_as_digits_even_next_to_half_width_ones():
    text = "当事人身份证号" + synthetic_id().translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert [f.kind for f in pii.find(text)] == ["id-number"]


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MONGOLIAN = str.maketrans("0123456789", "᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙")


@pytest.mark.parametrize("digits", [ARABIC_INDIC, MONGOLIAN], ids=["arabic-indic", "mongolian"])
def test_digits_of_other_scripts_are_read_as_digits_too(digits):
    assert kinds("当事人身份证号" + synthetic_id().translate(digits)) == ["id-number"]
    assert kinds("银行卡号" + OTHER_CARD.translate(digits)) == ["bank-card"]
    assert pii.first_unborn("号码" + synthetic_id(born="20990101").translate(digits),
                            today=TODAY) == datetime.date(2099, 1, 1)


def test_every_digit_of_another_script_is_marked_in_a_texts_shape():
    # The quick look for long numbers (pii._SHAPE) skips a text whose shape has neither a run
    # of digits nor a mark that it may hold digits of another script.
    for char in map(chr, range(0x80, 0x110000)):
        if char.isdecimal() and not "０" <= char <= "９":
            assert pii._SHAPE[char.encode()[0]] == ord("!"), hex(ord(char))


def test_the_quick_look_for_long_numbers_never_hides_a_finding(monkeypatch):
    rng = random.Random(19)
    scripts = [str.maketrans("", ""), str.maketrans("0123456789", "０１２３４５６７８９"), ARABIC_INDIC]
    pieces = [ID, synthetic_id(born="20010203"), CARD, OTHER_CARD, "6222 0000 0000 0000 123", "6217-0000-0000-0012",
              "13800138000", "2026-11-27", "银行卡号", "身份证", "，", "当事人", " ", "-", "9", "x", "X"]
    texts = ["".join(rng.choice(pieces).translate(rng.choice(scripts)) for _ in range(rng.randint(1, 12)))
             for _ in range(3000)]
    quick = [pii.find(text, today=TODAY) for text in texts]
    unborn = [pii.first_unborn(text, today=TODAY) for text in texts]
    real = pii._as_ascii_digits
    monkeypatch.setattr(pii, "_as_ascii_digits",
                        lambda text: (real(text)[0], pii._SIXTEEN_DIGITS + b"x" + pii._FOUR_GROUPS))
    assert [pii.find(text, today=TODAY) for text in texts] == quick
    assert [pii.first_unborn(text, today=TODAY) for text in texts] == unborn
    assert sum(1 for found in quick for f in found if f.kind in ("id-number", "bank-card")) >= 500


# --- pages: the quick test before mapping findings back to the source ----------------------------

PHONE = "13800138000"


@pytest.mark.parametrize("source", [
    pytest.param("<td>1380013<!-- a comment -->8000</td>", id="number-across-a-comment"),
    pytest.param("<p>电话<b>1380013</b>8000</p>", id="number-across-an-inline-tag"),
    pytest.param("<td>&#49;3800138000</td>", id="first-digit-as-an-entity"),
    pytest.param(f"<TD>x</TD>{PHONE}<!-- <p> -->", id="upper-case-tags"),
])
def test_a_page_scan_finds_what_a_reader_of_the_page_sees(source: str):
    found = pii.scan_page(source, ".html", "decisions/x/index.html")
    assert [problem.code for problem in found] == ["pii-mobile"]
    assert found[0].file == "decisions/x/index.html" and found[0].line == 1


@pytest.mark.parametrize("source", [
    pytest.param("<td>1380013</td><td>8000</td>", id="cells-separate-digits"),
    pytest.param("<p>1380013</p>\n<p>8000</p>", id="paragraphs-separate-digits"),
])
def test_block_tags_separate_text_on_a_page(source: str):
    assert pii.scan_page(source, ".html", "x.html") == []


def test_the_quick_text_of_a_page_is_the_text_the_findings_are_mapped_in():
    pages = ["<h1>标题</h1><table><tbody><tr><td>甲&#40;乙&#41;</td><td><a href='x'>丙</a>丁</td></tr></tbody></table>",
             "<ul><li>一</li><li>二<!-- 注释 <p> --></li></ul><pre>三</pre><thead><th>四</th></thead>"]
    for source in pages:
        assert pii._html_text(source) == pii.page_text(source, ".html")[0]


@pytest.mark.parametrize("name", sorted(pii._BLOCK) + ["b", "span", "a", "h7", "thx", "tablex", "pr", "ddd", "svg"])
def test_the_quick_text_ends_a_line_at_block_tags_alone_in_any_case(name: str):
    for tag in (name, name.upper(), name.capitalize()):
        source = f"甲<{tag}>乙</{tag}>丙<{tag} class=\"x\">丁"
        assert pii._html_text(source) == pii.page_text(source, ".html")[0]
        assert ("\n" in pii._html_text(source)) == (name in pii._BLOCK)


def test_a_site_is_scanned_alike_by_one_or_two_processes(tmp_path: Path, monkeypatch):
    for number in range(450):
        page = tmp_path / f"p{number}" / "index.html"
        page.parent.mkdir()
        leak = f"<p>电话 {PHONE}</p>" if number in (7, 300) else ""
        page.write_text(f"<h1>第{number}页</h1>{leak}<p>2024-04-10</p>", encoding="utf-8")
    (tmp_path / "data.json").write_text(json.dumps({"phone": PHONE}), encoding="utf-8")
    monkeypatch.setattr(pii, "SCAN_PARALLEL_FROM", 100_000)
    one = pii.scan_site(tmp_path, skip={"p300/index.html"})
    monkeypatch.setattr(pii, "SCAN_PARALLEL_FROM", 10)
    monkeypatch.setattr(forking.threading, "active_count", lambda: 1)  # the suite's servers: not in a build
    two = pii.scan_site(tmp_path, skip={"p300/index.html"})
    assert one == two
    assert [problem.file for problem in one] == ["data.json", "p7/index.html"]


def test_a_files_text_is_translated_once_for_both_of_its_checks(monkeypatch: pytest.MonkeyPatch):
    """The per-file stage gives the same text to the source rule (find) and to first_unborn: the
    translation to ASCII digits is made once; any other text, even an equal one, is translated anew."""
    searched = []
    pattern = pii._FULL_WIDTH

    class Spy:
        def search(self, text: str) -> object:
            searched.append(text)
            return pattern.search(text)

    monkeypatch.setattr(pii, "_FULL_WIDTH", Spy())
    number = synthetic_id(born="20990101")
    text = "当事人身份证号" + number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    found = [finding.value for finding in pii.find(text, today=TODAY)]
    unborn = pii.first_unborn(text, today=TODAY)
    assert (found, unborn, len(searched)) == ([], datetime.date(2099, 1, 1), 1)  # born later than today
    copy = "".join(list(text))
    assert copy == text and copy is not text
    assert pii.first_unborn(copy, today=TODAY) == unborn and len(searched) == 2
    assert [f.value for f in pii.find(number, today=TODAY)] == [] and len(searched) == 3
