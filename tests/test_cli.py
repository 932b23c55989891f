"""`portal` as a user runs it: exit code and output asserted together."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .conftest import INVALID

DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"


def test_clean_project_validates(cli, project: Path):
    assert cli("validate", "--root", str(project)) == (0, "共检查 11 个文件：全部通过。\n", "")


def test_the_count_is_of_the_files_looked_at_misplaced_ones_too_but_not_ignored_ones(cli, project: Path):
    (project / "data" / "README.md").write_text("# 说明\n", encoding="utf-8")  # ignored by design
    (project / "data" / "agencies" / "lsscjgj" / "名单.xlsx").write_bytes(b"PK")  # misplaced: reported
    code, out, _ = cli("validate", "--root", str(project))
    assert (code, out.splitlines()[-1]) == (1, "共检查 12 个文件：1 个错误，0 个警告。")
    assert "[unknown-file]" in out


def test_text_report_names_file_line_column_field_and_code(cli, project: Path):
    shutil.copyfile(INVALID / "schema-type_decision-fine-text.yaml", project / DECISION)
    code, out, err = cli("validate", "--root", str(project))
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{DECISION}:21:9: 错误 [schema-type] outcome.fine：「罚款金额（元）」应为数字，实际是“5万元”"
        "（只写阿拉伯数字，不要加单位、逗号或引号）。",
        "共检查 11 个文件：1 个错误，0 个警告。",
    ]


def test_json_report_has_the_documented_shape(cli, project: Path):
    shutil.copyfile(INVALID / "credit-code-checksum_decision.yaml", project / DECISION)
    code, out, err = cli("validate", "--root", str(project), "--format", "json")
    assert (code, err) == (1, "")
    body = json.loads(out)
    assert body["ok"] is False
    assert body["counts"] == {"error": 1, "warning": 0, "files": 11}
    assert body["problems"] == [{
        "code": "credit-code-checksum", "severity": "error", "file": DECISION, "line": 11, "column": 16,
        "field": "party.credit_code",
        "message": "统一社会信用代码 91441825MA4W2G6Y8X 的校验位应为 W，实际为 X："
                   "代码中可能有输错的字符，请与营业执照或登记证书逐位核对。",
        "source": "GB 32100-2015《法人和其他组织统一社会信用代码编码规则》",
    }]


def test_github_format_writes_one_annotation_per_problem(cli, project: Path):
    shutil.copyfile(INVALID / "doc-no-prefix_decision.yaml", project / DECISION)
    code, out, _ = cli("validate", "--root", str(project), "--format", "github")
    first = out.splitlines()[0]
    assert code == 1
    assert first.startswith(f"::error file={DECISION},line=2,col=9,title=doc-no-prefix::doc_no：机关代字")


def test_warnings_pass_unless_strict(cli, project: Path):
    shutil.copyfile(INVALID / "doc-no-year_decision-january.yaml", project / DECISION)
    code, out, _ = cli("validate", "--root", str(project))
    assert (code, out.splitlines()[-1]) == (0, "共检查 11 个文件：0 个错误，1 个警告。")
    assert "警告 [doc-no-year]" in out
    code, _, _ = cli("validate", "--root", str(project), "--strict")
    assert code == 1


def test_paths_limit_what_is_reported_but_not_what_is_checked(cli, project: Path):
    shutil.copyfile(INVALID / "unknown-item_decision.yaml", project / DECISION)
    items = project / "data/agencies/lsscjgj/items.yaml"
    assert cli("validate", "--root", str(project), str(items)) == (0, "共检查 1 个文件：全部通过。\n", "")
    code, out, _ = cli("validate", "--root", str(project), str(project / "data/agencies"))
    assert code == 1 and "[unknown-item]" in out


def test_every_problem_is_reported_in_one_run_sorted_by_position(cli, project: Path):
    shutil.copyfile(INVALID / "schema-unknown-field_decision-typo.yaml", project / DECISION)
    shutil.copyfile(INVALID / "duplicate-cert-no_personnel.yaml", project / "data/agencies/lsscjgj/personnel.yaml")
    code, out, _ = cli("validate", "--root", str(project))
    locations = [line.split(": ", 1)[0] for line in out.splitlines()[:-1]]
    assert code == 1
    assert locations == [
        f"{DECISION}:2:1", f"{DECISION}:4:1", f"{DECISION}:23:27",
        "data/agencies/lsscjgj/personnel.yaml:11:14",
    ]


def test_missing_data_folder_is_a_usage_error(cli, tmp_path: Path):
    code, out, err = cli("validate", "--root", str(tmp_path))
    assert (code, out) == (2, "")
    assert "找不到 data/ 文件夹" in err


def test_unknown_path_is_a_usage_error(cli, project: Path):
    code, _, err = cli("validate", "--root", str(project), str(project / "nope.yaml"))
    assert code == 2 and "不存在" in err


def test_unknown_format_is_a_usage_error(cli, project: Path):
    code, _, err = cli("validate", "--root", str(project), "--format", "xml")
    assert code == 2 and "xml" in err


def test_bad_today_is_a_usage_error(cli, project: Path):
    code, _, err = cli("build", "--root", str(project), "--today", "2024-13-01")
    assert code == 2 and "YYYY-MM-DD" in err


def test_a_misplaced_file_is_reported_not_ignored(cli, project: Path):
    (project / "data/agencies/lsscjgj/decisions/2024-013.yaml").write_text("doc_no: x\n", encoding="utf-8")
    (project / "data/agencies/lsscjgj/decisions/2024/2024-014.yml").write_text("doc_no: x\n", encoding="utf-8")
    code, out, _ = cli("validate", "--root", str(project))
    assert code == 1
    assert "data/agencies/lsscjgj/decisions/2024-013.yaml:1:1: 错误 [unknown-file]" in out
    assert "data/agencies/lsscjgj/decisions/2024/2024-014.yml:1:1: 错误 [unknown-file] 扩展名应为 .yaml" in out


def test_bad_data_never_produces_a_traceback(cli, project: Path):
    for case in sorted(INVALID.glob("*.yaml")):
        shutil.copyfile(case, project / DECISION)
        code, out, err = cli("validate", "--root", str(project))
        assert code in (0, 1) and "Traceback" not in out + err, case.name


def test_python_dash_m_is_the_same_command(project: Path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "generator", "validate", "--root", str(project)],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "共检查 11 个文件：全部通过。\n", "")


def test_the_installed_command_ends_with_its_whole_report_and_exit_code(project: Path):
    """`portal` ends without freeing the corpus (cli._exit): the report read through a pipe must
    still be whole, with the exit code of its problems."""
    import subprocess
    import sys

    for case in ("schema-type_decision-fine-text.yaml", "credit-code-checksum_decision.yaml"):
        shutil.copyfile(INVALID / case, project / DECISION)
        portal = Path(sys.executable).with_name("portal")
        done = subprocess.run([str(portal), "validate", "--root", str(project), "--format", "json"],
                              capture_output=True, text=True, check=False)
        report = json.loads(done.stdout)  # cut short, it would not parse
        assert (done.returncode, done.stderr, report["counts"]["files"]) == (1, "", 11)
        assert report["problems"]


def test_a_key_with_a_line_break_stays_on_one_report_line(cli, project: Path):
    (project / DECISION).write_text("? |\n  two\n  lines\n: x\n", encoding="utf-8")
    code, out, _ = cli("validate", "--root", str(project))
    unknown = [line for line in out.splitlines() if "[schema-unknown-field]" in line]
    assert code == 1 and len(unknown) == 1 and "two\\nlines" in unknown[0]


def test_mutated_records_never_crash_the_pipeline(project: Path):
    """Seeded random edits of a valid decision: each run ends in problems, never in a crash."""
    import random

    from generator.checker import validate

    original = (project / DECISION).read_text(encoding="utf-8").splitlines()
    replacements = ["", "~", "[]", "{}", "[a, b]", "{a: 1}", "-1", "1e9", "true", "'0'", "2024-13-45",
                    "《》", "《中华人民共和国行政处罚法》第零条", "连山市监罚〔0000〕0号", "\"\\u0000\""]
    generator = random.Random(7)
    for _ in range(150):
        lines = list(original)
        for _ in range(generator.randint(1, 4)):
            index = generator.randrange(len(lines))
            action = generator.random()
            if action < 0.3:
                del lines[index]
            elif action < 0.8 and ":" in lines[index]:
                key = lines[index].split(":", 1)[0]
                lines[index] = f"{key}: {generator.choice(replacements)}"
            else:
                lines.insert(index, lines[generator.randrange(len(lines))])
        (project / DECISION).write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = validate(project)  # an InternalError would fail the test here
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in result.problems)


def test_conditional_rules_say_which_value_made_them_apply(cli, project: Path):
    shutil.copyfile(INVALID / "schema-not-allowed_decision-person-credit-code.yaml", project / DECISION)
    _, out, _ = cli("validate", "--root", str(project))
    assert (f"{DECISION}:11:3: 错误 [schema-not-allowed] party.credit_code：「统一社会信用代码」："
            "「当事人类别」为自然人时，不应填写该字段，请删除。") in out.splitlines()
    shutil.copyfile(INVALID / "schema-required_decision-withdrawn-without-notice.yaml", project / DECISION)
    _, out, _ = cli("validate", "--root", str(project))
    assert "缺少必填字段 withdrawal「撤回信息」（「状态」为已撤回时，必须填写）。" in out


def test_a_symlink_in_data_is_refused_not_followed(cli, project: Path, tmp_path: Path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (project / "data/agencies/lsscjgj/decisions/2024/2024-099.yaml").symlink_to(secret)
    code, out, _ = cli("validate", "--root", str(project))
    assert code == 1
    assert "data/agencies/lsscjgj/decisions/2024/2024-099.yaml:1:1: 错误 [file-symlink]" in out
    assert "hunter2" not in out


def test_serve_with_bad_data_says_why_and_does_not_start(cli, project: Path, tmp_path: Path):
    # mkdocs reports a failed build through its loggers, which only its own command line prints:
    # `portal serve` must show the data's problems, not just mkdocs' "Aborted with a BuildError!".
    decision = next((project / "data" / "agencies").glob("*/decisions/*/*.yaml"))
    text = decision.read_text(encoding="utf-8")
    decision.write_text("\n".join("doc_no: 123" if line.startswith("doc_no:") else line
                                  for line in text.split("\n")), encoding="utf-8")
    code, _, stderr = cli("serve", "--root", str(project), "--dev-addr", "127.0.0.1:8799")
    assert code == 1
    assert "[doc-no-form]" in stderr and "数据有错误，预览没有启动" in stderr
