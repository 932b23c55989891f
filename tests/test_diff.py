"""`portal diff`: the meaning of a change, record by record, from two Git revisions."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import VALID
from .gitrepo import commit, git, init

ITEMS = "data/agencies/lsscjgj/items.yaml"
PERSONNEL = "data/agencies/lsscjgj/personnel.yaml"
DECISION = "data/agencies/lsscjgj/decisions/2024/2024-012.yaml"
COUNTY = "data/agencies/lsscjgj/benchmarks/ls-scjg-2023.yaml"
UPSTREAM = "data/upstream/benchmarks/gd-scjg-2022.yaml"


def edit(root: Path, rel: str, *replacements: tuple[str, str], append: str = "") -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text + append, encoding="utf-8")


NEW_ITEM = """\
  - code: 441825-SCJG-CF-0002
    name: 对经营标签不符合规定的食品的行政处罚
    type: 行政处罚
    basis:
      - 《中华人民共和国食品安全法》第一百二十五条第一款第（二）项
    level: 县级
    status: 在用
"""
NEW_OFFICER = """\
  - name: 王小明
    cert_no: "44182501003"
    fields: [市场监管]
    status: 有效
    valid_from: 2027-12-01
    valid_until: 2027-12-31
"""
WITHDRAWAL = """\
status: 已撤回
withdrawal:
  date: 2024-06-03
  changed_on: 2024-05-31
  reason: 原决定经行政复议被撤销
  document: 连府复决〔2024〕3号
"""


def test_the_summary_names_every_kind_of_change(cli, project: Path):
    base = init(project)
    edit(project, ITEMS, ("status: 在用", "status: 已取消"), append=NEW_ITEM)
    edit(project, COUNTY, ("max: 60000", "max: 55000"))
    edit(project, UPSTREAM, ("max: 85000", "max: 90000"), ("min: 50000\n          max: 100000", "min: 40000\n          max: 100000"))
    edit(project, DECISION, ("status: 有效\n", WITHDRAWAL))
    edit(project, PERSONNEL, ("valid_until: 2027-12-31", "valid_until: 2027-12-20"), ("status: 有效\n    valid_from: 2022-01-01\n    valid_until: 2027-12-31",
                                                                                        "status: 注销\n    valid_from: 2022-01-01\n    valid_until: 2027-12-31"),
         append=NEW_OFFICER)
    head = commit(project, "各类变更", date="2027-12-10T09:00:00+08:00")

    code, out, err = cli("diff", base[:12], head[:12], "--root", str(project))
    assert (code, err) == (0, "")
    assert out == f"""\
## 执法公示数据变更摘要

比较：{base[:12]} → {head[:12]}。证件是否将到期按 2027-12-10 判断。

### 执法事项（新增 1，取消 1）

**新增（1）**

- 441825-SCJG-CF-0002 对经营标签不符合规定的食品的行政处罚（县市场监管局）：行政处罚

**取消（1）**

- 441825-SCJG-CF-0001 对经营超过保质期食品的行政处罚（县市场监管局）

### 裁量基准（幅度变化 2）

**幅度变化（2）**

- ls-sp-001 经营超过保质期的食品（县市场监管局）
  - 从轻处罚：50,000—60,000 元 → 50,000—55,000 元（收紧）
- gd-sp-001 经营超过保质期的食品（上级）
  - 法定幅度：50,000—100,000 元 → 40,000—100,000 元（放宽）
  - 一般处罚：65,000—85,000 元 → 65,000—90,000 元（放宽）

### 执法决定（撤回 1）

**撤回（1）**

- 连山市监罚〔2024〕12号 对连山某某食品有限公司经营超过保质期食品的行政处罚决定（县市场监管局）
  - 撤回日期：2024-06-03；理由：原决定经行政复议被撤销；变更文书：连府复决〔2024〕3号

### 执法人员（新增 1，证件失效 2）

**新增（1）**

- 44182501003 王小明（县市场监管局）
  - 执法类别：市场监管；有效期至：2027-12-31
  - ⚠ 证件有效期至 2027-12-31，距 2027-12-10 不足 30 日

**证件失效（2）**

- 44182501001 李文华（县市场监管局）
  - 有效期至：2027-12-31 → 2027-12-20
  - ⚠ 证件有效期至 2027-12-20，距 2027-12-10 不足 30 日
- 44182501002 黄志明（县市场监管局）
  - 证件状态：有效 → 注销
"""


def test_the_same_revision_twice_changes_nothing(cli, project: Path):
    base = init(project)
    code, out, _ = cli("diff", base, "HEAD", "--root", str(project))
    assert (code, out.splitlines()[-1]) == (0, "本次变更没有改动公示数据。")


def test_without_head_the_working_tree_is_compared_and_left_as_it_was(cli, project: Path):
    init(project)
    edit(project, ITEMS, ("name: 对经营超过保质期食品的行政处罚", "name: 对经营过期食品的行政处罚"))
    status = git(project, "status", "--porcelain", "--untracked-files=all")
    code, out, _ = cli("diff", "main", "--root", str(project))
    assert code == 0 and "main（" in out and "→ 工作区" in out
    assert "  - 事项名称：对经营超过保质期食品的行政处罚 → 对经营过期食品的行政处罚" in out
    assert git(project, "status", "--porcelain", "--untracked-files=all") == status


def test_a_deleted_decision_is_called_out_and_a_corrected_doc_no_is_a_change(cli, project: Path):
    base = init(project)
    edit(project, DECISION, ("〔2024〕12号", "〔2024〕11号"))
    code, out, _ = cli("diff", base, "--root", str(project))
    assert code == 0 and "**变更（1）**" in out and "  - 文书号：连山市监罚〔2024〕12号 → 连山市监罚〔2024〕11号" in out
    (project / DECISION).unlink()
    code, out, _ = cli("diff", base, "--root", str(project))
    assert code == 0 and "**删除（1）**" in out
    assert "决定文件已删除（已公示的决定应按撤回办理，不应直接删除）" in out


def test_a_project_in_a_subfolder_of_the_repository(cli, tmp_path: Path):
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo / "portal")
    base = init(repo)
    edit(repo / "portal", ITEMS, ("status: 在用", "status: 已取消"))
    code, out, _ = cli("diff", base, "--root", str(repo / "portal"))
    assert code == 0 and "**取消（1）**" in out


def test_markup_in_the_data_is_shown_as_text(cli, project: Path):
    base = init(project)
    edit(project, ITEMS, ("name: 对经营超过保质期食品的行政处罚", "name: <img src=x> [点此](https://example.com) *食品*"))
    code, out, _ = cli("diff", base, "--root", str(project))
    assert code == 0
    assert r"→ \<img src=x\> \[点此\](https://example.com) \*食品\*" in out


def test_an_unreadable_file_is_named(cli, project: Path):
    base = init(project)
    edit(project, ITEMS, ("    level: 县级\n", "    level: 县级\n  bad: [\n"))
    code, out, _ = cli("diff", base, "--root", str(project))
    assert code == 0 and f"工作区 中有 1 个文件无法读取（YAML 错误），其中的记录没有计入本摘要：{ITEMS}" in out


def test_an_unknown_revision_is_a_usage_error(cli, project: Path):
    init(project)
    code, out, err = cli("diff", "no-such-branch", "--root", str(project))
    assert (code, out) == (2, "")
    assert "找不到 Git 版本“no-such-branch”" in err


def test_a_project_outside_git_is_a_usage_error(cli, project: Path):
    code, out, err = cli("diff", "HEAD", "--root", str(project))
    assert (code, out) == (2, "")
    assert "不在 Git 仓库中" in err
