"""Excel for clerks (issue 5, item 6): `portal export xlsx`, edit like a clerk, `portal import xlsx`.

Round trip: on the bundled project and on the real data/, export then import writes nothing,
so every file stays byte-identical; and what import would write for each file reads back as
the same records (semantic identity, also for files it leaves alone).
"""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from generator import loader, writer
from generator.excel import KINDS, collect, prune, read_workbook, write_workbook
from generator.schemas import SchemaSet, coerce

from .conftest import REPO

AGENCY = "lsscjgj"
FINDING = re.compile(r"^工作表「(.+?)」(?:第 (\d+) 行)?(?: ([A-Z]+) 列)?(?:「(.+?)」)?：(错误|警告) \[(.+?)\] (.+)$")


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "data").rglob("*")) if p.is_file()}


def export(cli, root: Path, agency: str = AGENCY) -> Path:
    out = root.parent / f"{agency}.xlsx"
    code, stdout, _ = cli("export", "xlsx", "--agency", agency, "--out", str(out), "--root", str(root))
    assert code == 0, stdout
    return out


def edit(path: Path, change) -> None:
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


def headers(ws) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[1]}


def row_values(ws, number: int) -> dict[str, object]:
    return {ws.cell(1, c).value: ws.cell(number, c).value for c in range(1, ws.max_column + 1)}


def append(ws, values: dict[str, object]) -> int:
    number = ws.max_row + 1
    for header, column in headers(ws).items():
        ws.cell(number, column, values.get(header))
    return number


def findings(stdout: str) -> list[tuple]:
    """(sheet, row, column letter, header, code) of each reported cell."""
    out = []
    for line in stdout.splitlines():
        match = FINDING.match(line)
        if match:
            sheet, row, letter, header, _, code, _ = match.groups()
            out.append((sheet, int(row) if row else None, letter, header, code))
    return out


def new_decision(book, **changes) -> int:
    """A clerk copies the existing decision's row, gives it the next 文书号 and new dates."""
    ws = book["执法决定"]
    values = row_values(ws, 2) | {
        "文书号": "连山市监罚〔2024〕13号",
        "标题": "对连山某某食品有限公司经营超过保质期食品的行政处罚决定（二）",
        "决定日期": datetime.date(2024, 5, 10),
        "公示日期": datetime.date(2024, 5, 13),
        "文件名": None,
    }
    return append(ws, values | changes)


# --- round trip ---------------------------------------------------------------------------

@pytest.mark.parametrize("agency", ["lsscjgj", "jitian"])
def test_export_then_import_writes_nothing_in_the_bundled_project(project, cli, agency):
    before = snapshot(project)
    workbook = export(cli, project, agency)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert (code, stdout) == (0, "工作簿与 data/ 中的数据一致，没有需要写入的修改。\n")
    assert snapshot(project) == before


def _real_project(tmp_path: Path) -> Path:
    root = tmp_path / "real"
    shutil.copytree(REPO / "data", root / "data")
    return root


def test_export_then_import_writes_nothing_in_the_real_data(tmp_path, cli):
    root = _real_project(tmp_path)
    before = snapshot(root)
    agencies = sorted(p.name for p in (root / "data" / "agencies").iterdir())
    assert len(agencies) >= 10
    for agency in agencies:
        workbook = export(cli, root, agency)
        code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(root))
        assert (agency, code, stdout) == (agency, 0, "工作簿与 data/ 中的数据一致，没有需要写入的修改。\n")
    assert snapshot(root) == before


def test_what_import_would_write_for_the_real_data_is_the_same_records(tmp_path):
    """Every items.yaml, personnel.yaml, decision and benchmark file, read back from its workbook
    and written by writer.py, loads as exactly the records it holds now."""
    root = _real_project(tmp_path)
    schemas = SchemaSet()
    files = 0
    for folder in sorted((root / "data" / "agencies").iterdir()):
        workbook = tmp_path / f"{folder.name}.xlsx"
        write_workbook(collect(root, folder.name, list(KINDS), schemas), workbook)
        plan = read_workbook(workbook, root, schemas)
        assert plan.findings == []
        on_disk = {p.relative_to(root).as_posix() for p in folder.glob("items.yaml")} | {
            p.relative_to(root).as_posix() for p in folder.glob("personnel.yaml")} | {
            p.relative_to(root).as_posix() for p in folder.glob("decisions/*/*.yaml")} | {
            p.relative_to(root).as_posix() for p in folder.glob("benchmarks/*.yaml")}
        assert set(plan.files) == on_disk
        for file, document in plan.files.items():
            shape = plan.shapes[file]
            current = coerce(loader.load_file(root / file, file).data, shape)
            assert prune(document) == prune(current), file
            written = loader.load_bytes(writer.dump(document, shape).encode(), file)
            assert written.problems == [] and coerce(written.data, shape) == document, file
            files += 1
    assert files > 100


def test_a_changed_cell_rewrites_only_its_file_in_schema_order_and_hand_written_style(project, cli):
    before = snapshot(project)
    workbook = export(cli, project)
    edit(workbook, lambda book: book["执法事项"].cell(2, headers(book["执法事项"])["事项名称"],
                                                       "对经营超过保质期食品的行政处罚（调整）"))
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    items = "data/agencies/lsscjgj/items.yaml"
    assert (code, stdout) == (0, f"已写入 1 个文件（3 个未改变，保持原样）：\n  {items}\n")
    after = snapshot(project)
    assert {f for f in after if after[f] != before.get(f)} == {items}
    assert (project / items).read_text(encoding="utf-8") == (
        "agency: lsscjgj\n"
        "items:\n"
        "  - code: \"441825-SCJG-CF-0001\"\n"
        "    name: 对经营超过保质期食品的行政处罚（调整）\n"
        "    type: 行政处罚\n"
        "    basis:\n"
        "      - 《中华人民共和国食品安全法》第一百二十四条第一款第（五）项\n"
        "    level: 县级\n"
        "    delegation:\n"
        "      towns:\n"
        "        - jitian\n"
        "      document: 连府〔2021〕5号\n"
        "      date: 2021-06-01\n"
        "    status: 在用\n")
    assert cli("validate", "--root", str(project))[0] == 0


# --- done when: a clerk's edits -----------------------------------------------------------

def test_an_added_complete_row_is_written_as_valid_yaml(project, cli):
    before = snapshot(project)
    workbook = export(cli, project)
    edit(workbook, new_decision)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    new = "data/agencies/lsscjgj/decisions/2024/2024-013.yaml"
    assert (code, stdout) == (0, f"已写入 1 个文件（4 个未改变，保持原样）：\n  {new}\n")
    after = snapshot(project)
    assert set(after) - set(before) == {new}
    assert all(after[f] == before[f] for f in before)
    text = (project / new).read_text(encoding="utf-8")
    assert text.startswith("doc_no: 连山市监罚〔2024〕13号\ntype: 行政处罚\n")
    assert "item: \"441825-SCJG-CF-0001\"\n" in text and "credit_code: \"91441825MA4W2G6Y8W\"\n" in text
    assert "officers:\n  - \"44182501001\"\n  - \"44182501002\"\n" in text
    assert "decided_on: 2024-05-10\npublished_on: 2024-05-13\n" in text
    assert cli("validate", "--root", str(project)) == (0, "共检查 12 个文件：全部通过。\n", "")


def test_a_blank_cell_and_bad_dates_are_named_by_cell_and_nothing_is_written(project, cli):
    before = snapshot(project)
    workbook = export(cli, project)

    def clerk(book):
        new_decision(book, **{"当事人·名称": None, "决定日期": "2024-02-30"})  # row 3
        book["执法人员"].cell(3, headers(book["执法人员"])["有效期至"]).value = "2027年13月1日"
        book["执法事项"].cell(2, headers(book["执法事项"])["事项名称"]).value = None

    edit(workbook, clerk)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert code == 1
    assert findings(stdout) == [
        ("执法事项", 2, "B", "事项名称", "schema-required"),
        ("执法人员", 3, "G", "有效期至", "schema-format"),
        ("执法决定", 3, "G", "当事人·名称", "schema-required"),
        ("执法决定", 3, "AD", "决定日期", "schema-format"),
    ]
    assert stdout.splitlines() == [
        "工作表「执法事项」第 2 行 B 列「事项名称」：错误 [schema-required] 缺少必填字段 name「事项名称」。",
        "工作表「执法人员」第 3 行 G 列「有效期至」：错误 [schema-format] 「有效期至」的值“2027年13月1日”不是有效的日期（YYYY-MM-DD，且须是真实存在的日期）。",
        "工作表「执法决定」第 3 行 G 列「当事人·名称」：错误 [schema-required] 缺少必填字段 name「当事人名称」。",
        "工作表「执法决定」第 3 行 AD 列「决定日期」：错误 [schema-format] 「决定日期」的值“2024-02-30”不是有效的日期（YYYY-MM-DD，且须是真实存在的日期）。",
        "共 4 个错误，0 个警告：没有写入任何文件。请在工作簿中改正后重新导入。",
    ]
    assert snapshot(project) == before


def _formula(book):
    ws = book["执法决定"]
    ws.cell(2, headers(ws)["决定结果·罚款金额（元）"], "=50000*1")


def _yes_no(book):
    ws = book["执法决定"]
    ws.cell(2, headers(ws)["重大执法决定"], "不是")


def _deleted_column(book):
    book["执法人员"].delete_cols(headers(book["执法人员"])["执法区域"])


def _unknown_column(book):
    ws = book["执法人员"]
    ws.cell(1, ws.max_column + 1, "备注")


def _orphan_training(book):
    ws = book["培训记录"]
    append(ws, {"执法证号": "44182509999", "培训日期": datetime.date(2024, 3, 1), "课程名称": "执法培训", "学时": 8})


def _copied_file_name(book):
    new_decision(book, 文件名="2024/2024-012")  # a copied row keeps the original's file


def _deleted_sheet(book):
    del book["调整记录"]


def _fine_of_a_missing_tier(book):
    append(book["罚款幅度"], {"条目标识": "ls-sp-001", "阶次": "从重处罚", "计算单位": "元", "下限": 85000, "上限": 100000})


def _fine_without_its_entry(book):
    append(book["罚款幅度"], {"阶次": "从轻处罚", "计算单位": "元", "下限": 50000, "上限": 60000})


def _repeated_benchmark(book):
    append(book["裁量基准文件"], row_values(book["裁量基准文件"], 2))  # a copied row keeps the 标识


@pytest.mark.parametrize(("change", "expected"), [
    pytest.param(_formula, [("执法决定", 2, "Q", "决定结果·罚款金额（元）", "excel-formula")], id="formula"),
    pytest.param(_yes_no, [("执法决定", 2, "Z", "重大执法决定", "excel-boolean")], id="yes-no"),
    pytest.param(_deleted_column, [("执法人员", 1, None, None, "excel-missing-column")], id="deleted-column"),
    pytest.param(_unknown_column, [("执法人员", 1, "H", None, "excel-unknown-column")], id="unknown-column"),
    pytest.param(_orphan_training, [("培训记录", 2, "A", "执法证号", "excel-owner")], id="orphan-child-row"),
    pytest.param(_copied_file_name, [("执法决定", 3, "AL", "文件名", "excel-file-name")], id="copied-file-name"),
    pytest.param(_deleted_sheet, [("调整记录", None, None, None, "excel-missing-sheet")], id="deleted-sheet"),
    pytest.param(_fine_of_a_missing_tier, [("罚款幅度", 4, "B", "阶次", "excel-owner")], id="fine-of-missing-tier"),
    pytest.param(_fine_without_its_entry, [("罚款幅度", 4, "A", "条目标识", "excel-owner")], id="fine-without-entry"),
    pytest.param(_repeated_benchmark, [("裁量基准文件", 3, None, None, "schema-required"),
                                       ("裁量基准文件", 3, "A", "标识", "excel-file-name")], id="repeated-benchmark"),
])
def test_workbook_mistakes_are_named_by_cell_and_nothing_is_written(project, cli, change, expected):
    before = snapshot(project)
    workbook = export(cli, project)
    edit(workbook, change)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert (code, findings(stdout)) == (1, expected), stdout
    assert snapshot(project) == before


@pytest.mark.parametrize("typed", ["2024/5/10", "2024年5月10日", " 2024-05-10 "])
def test_dates_typed_as_text_are_read(project, cli, typed):
    workbook = export(cli, project)
    edit(workbook, lambda book: new_decision(book, 决定日期=typed))
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert code == 0, stdout
    text = (project / "data/agencies/lsscjgj/decisions/2024/2024-013.yaml").read_text(encoding="utf-8")
    assert "\ndecided_on: 2024-05-10\n" in text


def test_a_new_row_never_overwrites_a_decision_that_is_not_in_the_workbook(project, cli):
    workbook = export(cli, project, AGENCY)
    taken = project / "data/agencies/lsscjgj/decisions/2024/2024-013.yaml"
    edit(workbook, new_decision)
    shutil.copy(project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml", taken)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    # the copy repeats 2024-012's 文书号: that is the only problem, and it was there before
    assert code == 0, stdout
    assert "data/agencies/lsscjgj/decisions/2024/2024-013-2.yaml" in stdout
    assert "1 个执法决定不在工作簿中" in stdout


# --- benchmarks: documents, entries, tiers and fine ranges on four sheets ------------------

BENCHMARK = "data/agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml"
BENCHMARK_SHEETS = ["裁量基准文件", "裁量基准条目", "裁量阶次", "罚款幅度"]


def copy_row(ws, number: int, **changes) -> int:
    return append(ws, row_values(ws, number) | changes)


def test_benchmarks_take_four_sheets_whose_first_columns_name_the_owner(project, cli):
    out = project.parent / "benchmarks.xlsx"
    code, stdout, _ = cli("export", "xlsx", "--agency", AGENCY, "--kind", "benchmarks", "--out", str(out),
                          "--root", str(project))
    assert (code, stdout) == (0, f"已导出 {out}：裁量基准文件 1 行，裁量基准条目 1 行，裁量阶次 1 行，罚款幅度 2 行。\n")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["填写说明", *BENCHMARK_SHEETS, "_选项", "_portal"]
    assert list(headers(book["裁量基准文件"])) == [
        "标识", "文件名称", "文号", "制定机关", "制定层级", "施行日期", "评估期限", "状态",
        "幅度划分比例·从轻处罚（%）", "幅度划分比例·一般处罚（%）", "幅度划分比例·从重处罚（%）"]
    entries = headers(book["裁量基准条目"])
    assert list(entries)[:11] == ["文件标识", "条目标识", "条目类别", "执法事项", "上级基准条目", "备注", "违法行为",
                                  "违法依据", "处罚依据", "法定处罚·处罚种类", "法定处罚·罚则原文"]
    # the permit, inspection and coercion fields share columns, named for each kind they serve
    assert list(entries)[11:14] == ["事项名称／检查事项／强制事项", "依据／检查依据", "许可条件／适用条件"]
    conditions = book["裁量基准条目"].cell(1, entries["许可条件／适用条件"]).comment.text
    assert "行政强制：可以采取本措施的情形，每项一行。" in conditions
    assert "仅在「条目类别」为 行政许可、行政强制 时填写。" in conditions
    assert [list(r) for r in book["裁量阶次"].iter_rows(values_only=True)] == [
        ["条目标识", "阶次", "适用情形", "处罚种类", "备注"],
        ["ls-sp-001", "从轻处罚", "货值金额不足五百元且主动召回的", "罚款", None]]
    assert [list(r) for r in book["罚款幅度"].iter_rows(values_only=True)] == [
        ["条目标识", "阶次", "计算单位", "下限", "上限", "适用条件"],
        ["ls-sp-001", None, "元", 50000, 100000, None],  # 阶次 blank: the statutory range
        ["ls-sp-001", "从轻处罚", "元", 50000, 60000, None]]
    assert "不填时，本行是工作表「裁量基准条目」中该记录的「法定处罚·罚款幅度」。" in book["罚款幅度"]["B1"].comment.text
    field_map = {(row[0], row[1]): row[2] for row in book["_portal"].iter_rows(min_row=5, values_only=True)}
    assert field_map[("裁量基准条目", "文件标识")] == "#owner"
    assert field_map[("罚款幅度", "阶次")] == "#owner.tier"
    assert field_map[("裁量基准条目", "法定处罚·处罚种类")] == "statutory.kinds"
    assert cli("import", "xlsx", str(out), "--root", str(project)) == (
        0, "工作簿与 data/ 中的数据一致，没有需要写入的修改。\n", "")


def test_a_tier_added_by_rows_rewrites_only_its_benchmark_in_order(project, cli):
    before = snapshot(project)
    workbook = export(cli, project)

    def clerk(book):
        append(book["裁量阶次"], {"条目标识": "ls-sp-001", "阶次": "一般处罚", "适用情形": "不具有从轻、从重处罚情节的",
                               "处罚种类": "罚款"})
        append(book["罚款幅度"], {"条目标识": "ls-sp-001", "阶次": "一般处罚", "计算单位": "元", "下限": 65000,
                               "上限": 85000})
        book["罚款幅度"].cell(2, headers(book["罚款幅度"])["适用条件"], "货值金额不足一万元的")  # the law's range

    edit(workbook, clerk)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert (code, stdout) == (0, f"已写入 1 个文件（3 个未改变，保持原样）：\n  {BENCHMARK}\n")
    after = snapshot(project)
    assert {f for f in after if after[f] != before.get(f)} == {BENCHMARK}
    assert (project / BENCHMARK).read_text(encoding="utf-8") == (
        "id: ls-scjg-2023\n"
        "title: 连山壮族瑶族自治县市场监督管理局行政处罚裁量权基准细化（测试）\n"
        "doc_no: 连山市监规〔2023〕1号\n"
        "issuer: 连山壮族瑶族自治县市场监督管理局\n"
        "issuer_level: 县\n"
        "agency: lsscjgj\n"
        "effective_from: 2023-01-01\n"
        "status: 现行有效\n"
        "entries:\n"
        "  - id: ls-sp-001\n"
        "    kind: 行政处罚\n"
        "    item: \"441825-SCJG-CF-0001\"\n"
        "    parent: gd-sp-001\n"
        "    violation: 经营超过保质期的食品\n"
        "    violated:\n"
        "      - 《中华人民共和国食品安全法》第三十四条第（十）项\n"
        "    penalty_basis:\n"
        "      - 《中华人民共和国食品安全法》第一百二十四条第一款第（五）项\n"
        "    statutory:\n"
        "      kinds:\n"
        "        - 罚款\n"
        "      fines:\n"
        "        - unit: 元\n"
        "          min: 50000\n"
        "          max: 100000\n"
        "          condition: 货值金额不足一万元的\n"
        "    tiers:\n"
        "      - tier: 从轻处罚\n"
        "        circumstances:\n"
        "          - 货值金额不足五百元且主动召回的\n"
        "        kinds:\n"
        "          - 罚款\n"
        "        fines:\n"
        "          - unit: 元\n"
        "            min: 50000\n"
        "            max: 60000\n"
        "      - tier: 一般处罚\n"
        "        circumstances:\n"
        "          - 不具有从轻、从重处罚情节的\n"
        "        kinds:\n"
        "          - 罚款\n"
        "        fines:\n"
        "          - unit: 元\n"
        "            min: 65000\n"
        "            max: 85000\n")
    assert cli("validate", "--root", str(project))[0] == 0


def test_a_new_benchmark_document_is_written_to_a_file_named_by_its_id(project, cli):
    workbook = export(cli, project)

    def clerk(book):
        copy_row(book["裁量基准文件"], 2, 标识="ls-scjg-2024", 文号="连山市监规〔2024〕1号",
                 施行日期=datetime.date(2024, 1, 1))
        copy_row(book["裁量基准条目"], 2, 文件标识="ls-scjg-2024", 条目标识="ls-sp-002")
        copy_row(book["裁量阶次"], 2, 条目标识="ls-sp-002")
        for number in (2, 3):
            copy_row(book["罚款幅度"], number, 条目标识="ls-sp-002")

    edit(workbook, clerk)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    new = "data/agencies/lsscjgj/benchmarks/ls-scjg-2024.yaml"
    assert (code, stdout) == (0, f"已写入 1 个文件（4 个未改变，保持原样）：\n  {new}\n")
    text = (project / new).read_text(encoding="utf-8")
    assert text.startswith("id: ls-scjg-2024\n") and "\n  - id: ls-sp-002\n" in text
    assert "    statutory:\n      kinds:\n        - 罚款\n      fines:\n        - unit: 元\n          min: 50000\n" in text
    assert cli("validate", "--root", str(project))[0] == 0


def test_bad_benchmark_rows_are_named_by_cell_and_nothing_is_written(project, cli):
    before = snapshot(project)
    workbook = export(cli, project)

    def clerk(book):
        tiers, fines = book["裁量阶次"], book["罚款幅度"]
        append(tiers, {"条目标识": "ls-sp-001", "阶次": "一般处罚", "适用情形": "不具有从轻、从重处罚情节的",
                       "处罚种类": "罚款"})  # row 3
        append(tiers, {"条目标识": "ls-sp-009", "阶次": "从重处罚", "适用情形": "情节严重的",
                       "处罚种类": "罚款"})  # row 4: no such entry
        fines.cell(2, headers(fines)["下限"], "五万")  # the statutory range, not a number
        append(fines, {"条目标识": "ls-sp-001", "阶次": "一般处罚", "计算单位": "元", "下限": 85000,
                       "上限": 65000})  # row 4: 下限 > 上限

    edit(workbook, clerk)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert code == 1
    assert stdout.splitlines() == [
        "工作表「裁量阶次」第 4 行 A 列「条目标识」：错误 [excel-owner] 「条目标识」ls-sp-009 在工作表「裁量基准条目」中不存在。",
        "工作表「罚款幅度」第 2 行 D 列「下限」：错误 [schema-type] 「下限」应为数字，实际是“五万”"
        "（只写阿拉伯数字，不要加单位、逗号或引号）。",
        "工作表「罚款幅度」第 4 行 D 列「下限」：错误 [fine-range-inverted] 「一般处罚」的罚款幅度下限（85000）大于上限（65000），"
        "请对调。（依据：国办发〔2022〕27号《关于进一步规范行政裁量权基准制定和管理工作的意见》）",
        "共 3 个错误，0 个警告：没有写入任何文件。请在工作簿中改正后重新导入。",
    ]
    assert snapshot(project) == before


def test_a_benchmark_document_left_out_of_the_workbook_is_kept_and_named(project, cli):
    before = snapshot(project)
    workbook = export(cli, project)

    def clerk(book):
        for title in BENCHMARK_SHEETS:
            book[title].delete_rows(2, book[title].max_row)

    edit(workbook, clerk)
    code, stdout, _ = cli("import", "xlsx", str(workbook), "--root", str(project))
    assert code == 0
    assert stdout.splitlines()[1:] == [
        "注意：本主体有 1 个裁量基准文件不在工作簿中，这些文件保持不变（废止基准请把状态改为“已废止”；"
        "确需删除文件的，请在 YAML 中删除）：",
        f"  {BENCHMARK}"]
    assert snapshot(project) == before


# --- the workbook itself ------------------------------------------------------------------

def test_the_workbook_has_official_titles_drop_downs_and_a_field_map(project, cli):
    book = openpyxl.load_workbook(export(cli, project))
    assert book.sheetnames == ["填写说明", "执法事项", "调整记录", "执法人员", "培训记录", "执法决定",
                               "裁量基准文件", "裁量基准条目", "裁量阶次", "罚款幅度", "_选项", "_portal"]
    assert [book[name].sheet_state for name in ("_选项", "_portal")] == ["hidden", "hidden"]
    decisions = book["执法决定"]
    columns = headers(decisions)
    assert list(columns)[:8] == ["文书号", "职权类型", "标题", "执法事项", "所在镇", "当事人·类别", "当事人·名称",
                                 "当事人·统一社会信用代码"]
    assert "agency" not in columns and "执法主体" not in columns  # the workbook's body fills it
    letter = openpyxl.utils.get_column_letter(columns["职权类型"])
    rule = next(r for r in decisions.data_validations.dataValidation if f"{letter}2" in r.sqref)
    options_column = rule.formula1.split("!")[1].split(":")[0].replace("$", "")[0]
    options = [c.value for c in book["_选项"][options_column] if c.value]
    assert options[:3] == ["行政许可", "行政处罚", "行政强制"]
    assert "可选：普通、简易" in decisions.cell(1, columns["程序"]).comment.text
    assert "字段：party.name" in decisions.cell(1, columns["当事人·名称"]).comment.text
    assert decisions.cell(2, columns["决定日期"]).value == datetime.datetime(2024, 4, 10)
    assert decisions.cell(2, columns["执法人员"]).value == "44182501001\n44182501002"
    assert decisions.cell(2, columns["重大执法决定"]).value == "否"
    field_map = {(row[0], row[1]): row[2] for row in book["_portal"].iter_rows(min_row=5, values_only=True)}
    assert field_map[("执法决定", "撤回信息·撤回日期")] == "withdrawal.date"
    assert field_map[("培训记录", "执法证号")] == "#owner"


def test_export_refuses_data_a_cell_cannot_hold(project, cli):
    decision = project / "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
    text = decision.read_text(encoding="utf-8").replace(
        "  - 《中华人民共和国食品安全法》第一百二十四条第一款第（五）项\nbenchmark",
        "  - |\n    《中华人民共和国食品安全法》\n    第一百二十四条第一款第（五）项\nbenchmark")
    decision.write_text(text, encoding="utf-8")
    out = project.parent / "refused.xlsx"
    code, stdout, stderr = cli("export", "xlsx", "--agency", AGENCY, "--out", str(out), "--root", str(project))
    assert code == 1 and not out.exists()
    assert stdout.startswith("data/agencies/lsscjgj/decisions/2024/2024-012.yaml:14:5: 错误 [excel-unrepresentable] "
                             "basis[0]：字段 basis[0] 的值无法在 Excel 中原样表示")
    assert "没有导出工作簿" in stderr


def test_export_refuses_a_benchmark_whose_fine_rows_could_not_name_their_tier(project, cli):
    benchmark = project / BENCHMARK
    benchmark.write_text(benchmark.read_text(encoding="utf-8") + (
        "      - tier: 从轻处罚\n"  # the same tier twice: a fine row could not say which one it belongs to
        "        circumstances:\n"
        "          - 主动消除危害后果的\n"
        "        fines:\n"
        "          - unit: 元\n"
        "            min: 55000\n"
        "            max: 58000\n"), encoding="utf-8")
    out = project.parent / "refused.xlsx"
    code, stdout, _ = cli("export", "xlsx", "--agency", AGENCY, "--kind", "benchmarks", "--out", str(out),
                          "--root", str(project))
    assert code == 1 and not out.exists()
    assert stdout.startswith(f"{BENCHMARK}:31:11: 错误 [excel-unrepresentable] entries[0].tiers[0].fines：")


def test_only_the_kinds_asked_for_are_exported_and_imported(project, cli):
    out = project.parent / "items.xlsx"
    code, stdout, _ = cli("export", "xlsx", "--agency", AGENCY, "--kind", "items", "--out", str(out),
                          "--root", str(project))
    assert (code, stdout) == (0, f"已导出 {out}：执法事项 1 行，调整记录 0 行。\n")
    assert openpyxl.load_workbook(out).sheetnames == ["填写说明", "执法事项", "调整记录", "_选项", "_portal"]
    assert cli("import", "xlsx", str(out), "--root", str(project))[0] == 0


def test_a_file_that_is_not_an_exported_workbook_is_a_usage_error(project, cli, tmp_path):
    plain = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(plain)
    code, _, stderr = cli("import", "xlsx", str(plain), "--root", str(project))
    assert code == 2 and "不是由 portal export xlsx 导出的工作簿" in stderr


def test_an_unknown_agency_is_a_usage_error(project, cli):
    code, _, stderr = cli("export", "xlsx", "--agency", "nosuch", "--root", str(project))
    assert code == 2 and "没有标识为 nosuch 的执法主体" in stderr


def test_an_unwritable_workbook_path_is_a_usage_error(project, cli, tmp_path):
    out = tmp_path / "no-such-folder" / "x.xlsx"
    code, _, stderr = cli("export", "xlsx", "--agency", AGENCY, "--out", str(out), "--root", str(project))
    assert code == 2 and f"无法写入 {out}" in stderr


# --- the YAML writer ------------------------------------------------------------------------

def test_the_writer_quotes_only_what_yaml_could_misread():
    shape = SchemaSet().shape("decision")
    text = writer.dump({"doc_no": "连山市监罚〔2024〕12号", "item": "441825-SCJG-CF-0001", "title": "true",
                        "facts": "第一行\n第二行", "town": "@吉田镇", "decided_on": "2024-04-10",
                        "deviation_reason": "2024-04-10", "outcome": {"fine": 50000, "confiscated": 12.5},
                        "officers": ["44182501001"], "major": False}, shape, comment="# 注释\n")
    assert text == (
        "# 注释\n"
        "doc_no: 连山市监罚〔2024〕12号\n"
        "item: \"441825-SCJG-CF-0001\"\n"
        "title: \"true\"\n"
        "facts: |-\n"
        "  第一行\n"
        "  第二行\n"
        "town: \"@吉田镇\"\n"
        "decided_on: 2024-04-10\n"
        "deviation_reason: \"2024-04-10\"\n"
        "outcome:\n"
        "  fine: 50000\n"
        "  confiscated: 12.5\n"
        "officers:\n"
        "  - \"44182501001\"\n"
        "major: false\n")
    assert writer.leading_comment("# 一\n#二\n\nagency: x\n# 不是\n") == "# 一\n#二\n"

