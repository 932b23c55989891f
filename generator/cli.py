"""The `portal` command line. Commands only parse options and call the pipeline.

Exit codes, the same for every command: 0 success; 1 the data has problems (or the build
failed because of them); 2 a usage mistake or an internal error of the portal itself.
"""

from __future__ import annotations

import datetime
import functools
import os
import sys
from pathlib import Path as FsPath
from typing import Any, NoReturn
from collections.abc import Callable

import click

from . import __version__


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the edge where bugs become exit code 2
            from .checker import InternalError

            detail = str(exc) if isinstance(exc, InternalError) else repr(exc)
            click.echo(f"内部错误（这是门户程序的缺陷，不是数据问题，请向平台维护团队报告）：{detail}", err=True)
            ctx.exit(2)


def root_option(command: Callable) -> Callable:
    @click.option("--root", "root", type=click.Path(file_okay=False, path_type=FsPath), default=".",
                  show_default=True, help="项目根目录：包含 data/ 和 mkdocs.yml 的文件夹。")
    @functools.wraps(command)
    def wrapper(*args: Any, root: FsPath, **kwargs: Any) -> Any:
        root = root.resolve()
        if not (root / "data").is_dir():
            raise click.UsageError(f"在 {root} 中找不到 data/ 文件夹。请在项目根目录运行，或用 --root 指定项目根目录。")
        return command(*args, root=root, **kwargs)

    return wrapper


cache_option = click.option(
    "--no-cache", "no_cache", is_flag=True,
    help="不使用、也不写入 .cache/portal/ 中的缓存：逐个重新检查全部文件；生成网站时每个记录页面都重新生成。")


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"“{value}”不是 YYYY-MM-DD 格式的日期") from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portal")
def main() -> None:
    """连山壮族瑶族自治县行政执法公示平台：校验执法数据，生成公示网站。

    数据放在 data/ 下（每个执法主体一个文件夹），用 JSON Schema 和跨记录规则校验，
    再生成 mkdocs-material 静态网站。退出码：0 正常；1 数据有问题；2 用法错误或程序内部错误。
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=FsPath))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="输出格式：text 供人阅读；json 供程序读取；github 生成 GitHub 工作流注释。")
@click.option("--strict", is_flag=True, help="把警告也当作失败（退出码 1）。")
@cache_option
@root_option
def validate(paths: tuple[FsPath, ...], output_format: str, strict: bool, no_cache: bool, root: FsPath) -> None:
    """校验 data/ 中的全部数据，一次列出所有问题。

    给出 PATH（文件或文件夹）时，仍读取全部数据以核对引用，但只报告这些路径中的问题。
    每个问题写明文件、行、列、字段和中文说明。
    """
    from .checker import validate as run
    from .problems import has_errors
    from .reporter import render

    selected = _selection(paths, root)
    result = run(root, use_cache=not no_cache)
    problems = [p for p in result.problems if _selected(p.file, selected)]
    files = sum(1 for file in result.files if _selected(file, selected))
    click.echo(render(output_format, problems, files), nl=False)
    _exit(1 if has_errors(problems, strict=strict) else 0)


def _exit(code: int) -> NoReturn:
    """End a command that holds the whole corpus. The `portal` program (`program`) ends at once,
    its output flushed, rather than free a county's millions of objects one by one (~0.3 s, as
    mypy's hard_exit does); called in-process (tests, `main` itself), a plain sys.exit."""
    if _hard_exit:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


_hard_exit = False


def program() -> None:
    """The installed `portal` command and `python -m generator`: `main`, ending with `_exit`."""
    global _hard_exit
    _hard_exit = True
    main(prog_name="portal")


def _selection(paths: tuple[FsPath, ...], root: FsPath) -> list[str] | None:
    if not paths:
        return None
    selected = []
    for path in paths:
        absolute = path.resolve()
        if not absolute.exists():
            raise click.BadParameter(f"路径 {path} 不存在", param_hint="PATH")
        try:
            selected.append(absolute.relative_to(root).as_posix())
        except ValueError:
            raise click.BadParameter(f"路径 {path} 不在项目根目录 {root} 中", param_hint="PATH") from None
    return selected


def _selected(file: str, selected: list[str] | None) -> bool:
    if selected is None:
        return True
    return any(s in (".", "") or file == s or file.startswith(s.rstrip("/") + "/") for s in selected)


@main.command()
@click.option("--agency", default=None, metavar="ID", help="只列出这个执法主体（标识，例如 lsscjgj）。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式。")
@root_option
def coverage(agency: str | None, output_format: str, root: FsPath) -> None:
    """列出各执法主体没有裁量基准的行政处罚事项（裁量基准覆盖情况）。

    只统计状态为“在用”的行政处罚事项；本县基准条目的 item 写了该事项编码，即视为有基准。
    """
    from .checker import validate as run
    from .coverage import coverage as compute
    from .coverage import render_json, render_text

    result = run(root)
    if agency is not None and agency not in result.corpus.agencies:
        raise click.BadParameter(f"没有标识为 {agency} 的执法主体", param_hint="--agency")
    report = compute(result.corpus, agency)
    click.echo((render_json if output_format == "json" else render_text)(report), nl=False)


@main.command()
@click.option("--year", type=click.IntRange(2000, 2100), default=None, metavar="YYYY",
              help="统计哪一年作出的决定（默认：今年）。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式。")
@root_option
def supervision(year: int | None, output_format: str, root: FsPath) -> None:
    """执法监督统计：各执法主体某年的决定数、撤回数和逾期公示、逾期撤回的决定。

    逾期在校验中只是警告（不阻止其他修改），在这里逐件列出，供县司法局监督。
    """
    from .checker import validate as run
    from .supervision import render_json, render_text
    from .supervision import supervision as compute

    year = year or datetime.date.today().year
    report = compute(run(root), year)
    click.echo((render_json if output_format == "json" else render_text)(report, year), nl=False)


@main.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=FsPath), default=None,
              help="网站输出目录（默认：项目根目录下的 site/）。")
@click.option("--today", "today", callback=_date, default=None, metavar="YYYY-MM-DD",
              help="按哪一天判断公示期（默认：今天），同一天构建的结果相同。")
@click.option("--production", is_flag=True,
              help="正式发布：data/site.yaml 必须有页脚要求的主办单位、联系方式、"
                   "网站标识码、ICP 备案号和公安机关备案号。")
@cache_option
@root_option
def build(out: FsPath | None, today: datetime.date, production: bool, no_cache: bool, root: FsPath) -> None:
    """校验数据并生成公示网站（mkdocs-material）。数据有错误时不生成。"""
    from .build import build_site
    from .checker import caching

    with caching(not no_cache):
        code = build_site(root, out=out or root / "site", today=today, production=production)
    _exit(code)  # every page, file and record of the build written: nothing left to free


@main.command()
@click.option("--today", "today", callback=_date, default=None, metavar="YYYY-MM-DD",
              help="按哪一天判断公示期（默认：今天）。")
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="预览服务器的地址和端口。")
@root_option
def serve(today: datetime.date, dev_addr: str, root: FsPath) -> None:
    """本地预览网站：修改 data/ 或 docs/ 后自动重新生成并刷新页面。"""
    from .build import serve_site

    sys.exit(serve_site(root, today=today, dev_addr=dev_addr))


# Commands of the department workflow are added below, each group at its own marker.
# --- codeowners ---
@main.command()
@click.option("--check", is_flag=True,
              help="只检查已提交的 .github/CODEOWNERS 是否与数据一致，不写文件；不一致时退出码 1（CI 使用）。")
@root_option
def codeowners(check: bool, root: FsPath) -> None:
    """根据各执法主体 agency.yaml 的 reviewers 生成 .github/CODEOWNERS（审核分工）。

    每个主体的文件夹 data/agencies/<主体>/ 由该主体的审核人审核（没有填写的由平台团队审核）；
    程序、校验规则、工作流、CODEOWNERS 本身和共用数据由平台团队（data/site.yaml 的
    platform_team）审核。
    """
    from .codeowners import CODEOWNERS_PATH, compare, generate
    from .reporter import render

    generated = generate(root)
    if generated.text is None:
        click.echo(render("text", generated.problems, generated.files), nl=False)
        click.echo("审核人信息有误，未生成 CODEOWNERS。请按上面的提示修改后重新运行。", err=True)
        sys.exit(1)
    target = root / CODEOWNERS_PATH
    if check:
        difference = compare(root, generated.text)
        if difference is None:
            click.echo(f"{CODEOWNERS_PATH} 与各主体的审核人一致。")
            return
        click.echo(difference, nl=False)
        state = "已过期，与 data/ 中的审核人不一致" if target.is_file() else "不存在"
        click.echo(f"{CODEOWNERS_PATH} {state}。请运行 portal codeowners 重新生成，并把它和数据修改一起提交。",
                   err=True)
        sys.exit(1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(generated.text, encoding="utf-8", newline="\n")
    click.echo(f"已写入 {CODEOWNERS_PATH}（{generated.text.count('/data/agencies/')} 个执法主体文件夹）。")


# --- diff and new ---
@main.command()
@click.argument("base")
@click.argument("head", required=False)
@root_option
def diff(base: str, head: str | None, root: FsPath) -> None:
    """用 Markdown 写出两个版本之间公示数据的变更摘要（拉取请求摘要、发布说明）。

    BASE、HEAD 是 Git 版本（提交号、分支或标签）；不给 HEAD 时与工作区比较（磁盘上的 data/，
    含未提交的修改）。按编号逐条比较记录：事项新增、变更（逐字段，旧值 → 新值）、取消；裁量幅度收紧或放宽；
    决定新增、撤回、变更；执法人员新增、移除、证件失效。
    """
    from .diff import RevisionError, summarize

    try:
        text = summarize(root, base, head)
    except RevisionError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(text, nl=False)


@main.command(name="new")
@click.argument("kind", type=click.Choice(["decision", "item", "benchmark", "officer"]))
@click.option("--agency", "agency", required=True, metavar="ID", help="执法主体标识，例如 lsscjgj。")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, metavar="YYYY",
              help="执法决定的文书号年份和文件夹、裁量基准的文件名用哪一年（默认：今年）。")
@click.option("--prefix", default=None, metavar="机关代字",
              help="执法决定的文书号用哪个机关代字（默认：本主体登记的处罚代字，即以“罚”结尾的第一个）。")
@root_option
def new_record(kind: str, agency: str, year: int | None, prefix: str | None, root: FsPath) -> None:
    """写一份带中文注释的 YAML 草稿，填好空白即可通过校验。

    decision：新建 data/agencies/<主体>/decisions/<年份>/ 下的决定文件，建议下一个文书号；
    benchmark：新建本县裁量基准文件；item、officer：在 items.yaml、personnel.yaml 末尾追加一段。
    不覆盖已有文件。
    """
    from .skeleton import BadPrefix, SkeletonError, UnknownAgency, create

    try:
        written = create(root, kind, agency, year=year, prefix=prefix)
    except UnknownAgency as exc:
        raise click.BadParameter(str(exc), param_hint="--agency") from None
    except BadPrefix as exc:
        raise click.BadParameter(str(exc), param_hint="--prefix") from None
    except SkeletonError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"已写入 {written.path}。{written.note}")


# --- excel ---
@main.group(name="export", cls=_Group)
def export_group() -> None:
    """把一个执法主体的数据导出为其他格式（目前是 Excel 工作簿）。"""


@export_group.command(name="xlsx")
@click.option("--agency", "agency", required=True, metavar="ID", help="执法主体标识，例如 lsscjgj。")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["items", "officers", "decisions", "benchmarks"]),
              help="只导出这类记录，可重复（默认全部：执法事项、执法人员、执法决定、裁量基准）。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=FsPath), default=None,
              help="工作簿文件（默认：当前目录下的 <主体>.xlsx）。")
@root_option
def export_xlsx(agency: str, kinds: tuple[str, ...], out: FsPath | None, root: FsPath) -> None:
    """导出 Excel 工作簿：每类记录一个工作表，中文列名，可选值做成下拉列表。

    改好后用 portal import xlsx 导入。数据中有 Excel 无法原样表示的内容时不导出，并列出这些字段。
    """
    from .checker import locate_all
    from .excel import KINDS, collect, summary, write_workbook
    from .reporter import render

    if not (root / "data" / "agencies" / agency / "agency.yaml").is_file():
        raise click.BadParameter(f"没有标识为 {agency} 的执法主体", param_hint="--agency")
    export = collect(root, agency, [name for name in KINDS if not kinds or name in kinds])
    if export.problems:
        files = len({p.file for p in export.problems})
        click.echo(render("text", locate_all(root, export.problems), files), nl=False)
        click.echo("没有导出工作簿：上面的数据导出再导入会被改变，请先改正。", err=True)
        sys.exit(1)
    out = out or FsPath(f"{agency}.xlsx")
    try:
        write_workbook(export, out)
    except OSError as exc:  # e.g. the workbook is open in Excel, or the folder does not exist
        raise click.BadParameter(f"无法写入 {out}：{exc.strerror or exc}", param_hint="--out") from None
    click.echo(f"已导出 {out}：{summary(export)}。")


@main.group(name="import", cls=_Group)
def import_group() -> None:
    """把其他格式（目前是 Excel 工作簿）导入为 data/ 中的 YAML。"""


@import_group.command(name="xlsx")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=FsPath))
@root_option
def import_xlsx(file: FsPath, root: FsPath) -> None:
    """导入 portal export xlsx 导出并修改过的工作簿，写入该执法主体的文件夹。

    先在项目副本中完整校验（与 portal validate 相同）；有任何错误时逐个指出工作表、行和列，
    不写入任何文件。没有改变的文件保持原样。
    """
    from .excel import NotAWorkbook, import_workbook, render

    try:
        outcome = import_workbook(file, root)
    except NotAWorkbook as exc:
        raise click.BadParameter(str(exc), param_hint="FILE") from None
    click.echo(render(outcome), nl=False)
    sys.exit(0 if outcome.ok else 1)


# --- site ---


# --- snapshot ---
@main.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=FsPath), default=None,
              help="存档输出目录（默认：项目根目录下的 dist/）。")
@click.option("--previous", "previous", type=click.Path(exists=True, dir_okay=False, path_type=FsPath), default=None,
              help="上一版本的存档（.tar.gz）：本存档记录它的 tagmanifest-sha256.txt 摘要（摘要链），"
                   "变更摘要与它的标签比较。默认取提交中 data/releases.yaml 的最后一个版本。")
@root_option
def snapshot(out: FsPath | None, previous: FsPath | None, root: FsPath) -> None:
    """把 HEAD 提交生成为一份可重复、可验证的存档（BagIt 格式的 .tar.gz）。

    存档包含生成的网站、data/、schemas/、requirements.lock、provenance.json（提交、标签、
    生成日期、工具版本）、变更摘要和上一版本的摘要链接。同一提交在任何目录、时区、umask、
    时间生成的存档逐字节相同。另写一份 <存档>.release.yaml：发布后追加到 data/releases.yaml。
    """
    from .release import describe
    from .snapshot import SnapshotError, SnapshotUsageError, make

    if describe(root).dirty:
        click.echo("注意：工作区有未提交的修改。存档只包含 HEAD 提交的内容，但由当前安装的程序生成；"
                   "正式发布请在干净的检出中运行。", err=True)
    try:
        made = make(root, out or root / "dist", previous_archive=previous)
    except SnapshotUsageError as exc:
        raise click.UsageError(str(exc)) from None
    except SnapshotError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    chain = (f"上一版本 {made.previous.tag}（tagmanifest-sha256.txt {made.previous.tagmanifest_sha256}）"
             if made.previous else "第一个版本，没有上一版本")
    click.echo(f"已生成存档 {made.archive}（{made.release.tag or '未打标签'}，提交 {made.release.commit}，"
               f"{made.files} 个文件；{chain}）。\n"
               f"SHA-256：{made.sha256}\n"
               f"tagmanifest-sha256.txt 的 SHA-256：{made.tagmanifest_sha256}\n"
               f"发布后把 {made.entry} 的内容追加到 data/releases.yaml 并提交。")


@main.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=FsPath))
@click.option("--previous", "previous", type=click.Path(exists=True, dir_okay=False, path_type=FsPath), default=None,
              help="上一版本的存档：同样完整校验，并核对本存档记录的它的摘要（摘要链）。")
@click.option("--expect-sha256", "expect_sha256", default=None, metavar="HEX",
              help="存档应有的 SHA-256（历史版本页、data/releases.yaml 或 GitHub 制品证明中记录的）。")
def verify(archive: FsPath, previous: FsPath | None, expect_sha256: str | None) -> None:
    """验证 portal snapshot 生成的存档：逐个文件核对摘要、清单和摘要链。

    完整计算每个文件的 SHA-256 和 SHA-512（不是只看文件数和大小），找出被改动、删除或添加的文件。
    清单被重写以掩盖修改的存档自身仍然一致，只能用别处记录的摘要发现：--previous（在验证下一版本时）
    或 --expect-sha256。有问题时逐个列出文件，退出码 1。
    """
    import re

    from .verifier import render
    from .verifier import verify as run

    if expect_sha256 is not None and not re.fullmatch(r"[0-9A-Fa-f]{64}", expect_sha256):
        raise click.BadParameter("应为 64 位十六进制字符", param_hint="--expect-sha256")
    report = run(archive, previous=previous, expect_sha256=expect_sha256)
    click.echo(render(report), nl=False)
    if not report.ok:
        click.echo(f"验证未通过：{archive.name} 有 {len(report.findings)} 个问题。", err=True)
        sys.exit(1)


# --- scale ---


@main.command()
@click.option("--scale", type=click.Choice(["tiny", "county", "city"]), default="county", show_default=True,
              help="规模：county 约 47 个主体、1 万事项、3 万基准条目、5 万决定；city 为 8 倍；tiny 供测试。")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=FsPath), required=True,
              help="写入的项目文件夹（以前由 portal synth 写的会被整个替换；其他非空文件夹不写）。")
@click.option("--seed", type=int, default=0, show_default=True, help="随机种子：同一种子生成逐字节相同的文件。")
@click.option("--county", type=click.IntRange(0, 132), default=0, show_default=True, metavar="N",
              help="第几个合成县：0 是示例数据本身（连山）；1 到 132 各有虚构的县名、机关代字和行政区划代码，"
                   "文书号、事项编码互不相同（省级模拟用）。")
@root_option
def synth(scale: str, out: FsPath, seed: int, county: int, root: FsPath) -> None:
    """由示例数据生成可重复的合成数据（完整的项目文件夹），用于规模测试和性能测量。"""
    from .synth import synthesize

    if out.resolve() == root or root.is_relative_to(out.resolve()):
        raise click.UsageError("--out 不能是项目根目录或其上级目录。")
    try:
        counts = synthesize(root, out, scale, seed, county)
    except FileExistsError:
        raise click.UsageError(f"--out {out} 不是空文件夹，也不是 portal synth 写的文件夹；请换一个文件夹。") from None
    click.echo("合成数据已写入 {}：{} 个主体，{} 个事项，{} 个基准条目，{} 件决定，{} 名执法人员。".format(
        out, counts["bodies"], counts["items"], counts["entries"], counts["decisions"], counts["officers"]))


# --- province ---
@main.group(name="province", cls=_Group)
def province_group() -> None:
    """把各县分别生成的网站（分片）合成省级网站：各县目录、省级首页和跨县搜索。

    每个县（分片）照常用 portal build 生成，data/site.yaml 的 base_url 为省级网址加分片标识；
    生成后运行 portal province shard 记录分片，最后 portal province join 合成，不重新生成任何县的页面。
    """


@province_group.command(name="shard")
@click.option("--site", "site", type=click.Path(file_okay=False, path_type=FsPath), required=True,
              help="portal build 生成的网站文件夹：在其中写入 shard.json。")
@click.option("--id", "shard_id", default=None, metavar="ID",
              help="分片标识，即在省级网站中的路径（默认：data/site.yaml 的 region_code）。")
@root_option
def province_shard(site: FsPath, shard_id: str | None, root: FsPath) -> None:
    """记录一个生成好的县级网站（分片）：写入 shard.json（记录数、搜索索引摘要、文件数和大小）。

    base_url 必须以 /<分片标识>/ 结尾，网站必须是按这个 base_url 生成的。
    """
    from .province import ShardError, describe

    try:
        shard = describe(root, site, shard_id)
    except ShardError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"已写入 {site / 'shard.json'}：分片 {shard['id']}（{shard['county'] or shard['name']}），"
               f"{shard['files']} 个文件，{shard['bytes']} 字节。")


@province_group.command(name="join")
@click.argument("sites", nargs=-1, required=True, type=click.Path(path_type=FsPath))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=FsPath), required=True,
              help="省级网站输出目录（以前由 portal province join 写的会被整个替换；其他非空文件夹不写）。")
@click.option("--base-url", "base_url", required=True, metavar="URL",
              help="省级网站的地址；每个分片的 base_url 必须是它加分片标识。")
def province_join(sites: tuple[FsPath, ...], out: FsPath, base_url: str) -> None:
    """把已记录的分片合成省级网站：各县放在 <分片标识>/ 下，另写省级首页和跨县搜索。

    先逐个核对分片（shard.json、搜索索引的 SHA-256、文件数和大小、base_url）；任何一个缺失或
    损坏时列出全部问题，退出码 1，不写任何文件。
    """
    from .province import ProvinceUsageError, ShardError, join

    try:
        joined = join(list(sites), out, base_url)
    except ProvinceUsageError as exc:
        raise click.UsageError(str(exc)) from None
    except ShardError as exc:
        click.echo(str(exc), err=True)
        click.echo(f"没有合成省级网站：{len(sites)} 个分片中有问题，{out} 保持原样。", err=True)
        sys.exit(1)
    names = "、".join(s["county"] or s["name"] for s in joined.shards)
    click.echo(f"省级网站已写入 {out}：{len(joined.shards)} 个分片（{names}），"
               f"{joined.files} 个文件，{joined.bytes} 字节。")


if __name__ == "__main__":  # pragma: no cover
    main()
