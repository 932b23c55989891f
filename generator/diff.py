"""`portal diff`: what a change to data/ means, as a Markdown summary in Chinese.

Both sides are loaded with the normal loader (checker.load_corpus), so the comparison is
semantic: records are matched by their identifiers (item code, 文书号, 执法证号, entry id),
values are compared after schema typing (``50000`` and ``"50000"`` are the same fine), and
moving text around a file changes nothing. A revision is materialised from Git objects
(``git ls-tree`` + ``git cat-file``) into a temporary folder; the working tree is only read.

What the summary calls what (the rules reviewers can rely on):

* HEAD omitted means the working tree: ``data/`` as it is on disk, uncommitted edits
  included, the same files ``portal validate`` reads.
* 执法事项 — 新增: a code that BASE does not have; 取消: status 在用 → 已取消; 删除: the code
  is gone from every list (cancelled items should stay listed for traceability); 变更: any
  other field, field by field (old → new).
* 裁量基准 — fine ranges are compared per entry and tier (matched by tier name, ranges by
  unit and order): 收紧 when the new range lies inside the old one, 放宽 when it contains
  it, 调整 otherwise; the statutory range likewise. Entries and documents added, removed or
  otherwise changed are listed too.
* 执法决定 — matched by 文书号 (or by file, when a file's 文书号 was corrected): 新增, 撤回
  (status → 已撤回, with date and reason), 删除 (the file is gone: a published decision
  should be withdrawn instead), 变更 (field by field).
* 执法人员 — matched by 执法证号: 新增, 移除, 证件失效 (status 有效 → 暂扣 / 注销, or
  valid_until moved earlier) and 变更. Every officer this change adds or touches whose
  certificate is valid but ends within 30 days of the HEAD date is flagged (HEAD date: the
  HEAD commit's committer date, or today for the working tree); certificates that simply
  age are not a change and are not listed.
* Files that cannot be read on either side (YAML errors) are named: their records are
  missing from the comparison.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from pathlib import PurePosixPath
from typing import Any

from . import loader
from .checker import load_corpus
from .corpus import Corpus, Ref
from .penalties import FineRange, fine_ranges, tiers
from .schemas import SchemaSet, Shape

#: A touched certificate ending within this many days of the HEAD date is flagged.
EXPIRY_WARNING_DAYS = 30
#: Longer values are cut in the summary: it says what changed, the pull request shows the text.
MAX_VALUE = 80

WORKTREE = "工作区"


class RevisionError(Exception):
    """A revision that cannot be read (unknown, or no Git repository): a usage error."""


# --- reading both sides ------------------------------------------------------------------

@dataclass
class Side:
    label: str
    corpus: Corpus
    date: datetime.date
    unreadable: list[str] = field(default_factory=list)


def _git(cwd: FsPath, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    git = shutil.which("git")
    if git is None:
        raise RevisionError("找不到 git 命令：portal diff 需要安装 Git。")
    return subprocess.run([git, "-C", str(cwd), *args], input=stdin, capture_output=True, check=False)


def _repository(root: FsPath) -> tuple[FsPath, str]:
    """The top of the Git work tree holding `root`, and `root`'s path inside it ("" or "sub/")."""
    top = _git(root, "rev-parse", "--show-toplevel")
    prefix = _git(root, "rev-parse", "--show-prefix")
    if top.returncode or prefix.returncode:
        detail = (top.stderr or prefix.stderr).decode("utf-8", "replace").strip()
        raise RevisionError(f"{root} 不在 Git 仓库中，无法读取历史版本（{detail}）。")
    return FsPath(top.stdout.decode().strip()), prefix.stdout.decode().strip()


def resolve(top: FsPath, revision: str) -> str:
    """The commit a revision names; an unknown one is a `RevisionError`."""
    if not revision or revision.startswith("-"):
        raise RevisionError(f"“{revision}”不是有效的 Git 版本（提交、分支或标签）。")
    done = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if done.returncode:
        raise RevisionError(f"找不到 Git 版本“{revision}”：请检查提交号、分支或标签名称"
                            "（在 CI 中可能需要先 git fetch 该版本）。")
    return done.stdout.decode().strip()


def materialise(top: FsPath, prefix: str, commit: str, dest: FsPath) -> None:
    """Write `prefix`data/ as it is in `commit` to ``dest/data``, from Git objects only."""
    data = dest / "data"
    data.mkdir(parents=True)
    listing = _git(top, "ls-tree", "-r", "-z", f"{commit}:{prefix}data")
    if listing.returncode:
        return  # no data/ in that revision: an empty project
    blobs: list[tuple[str, PurePosixPath]] = []
    for record in listing.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = PurePosixPath(name.decode("utf-8", "surrogateescape"))
        # Only regular files are data (layout.py refuses links); a crafted tree must not
        # write outside the temporary folder.
        if kind != "blob" or mode not in ("100644", "100755") or path.is_absolute() or any(
                part in ("", ".", "..") for part in path.parts):
            continue
        blobs.append((sha, path))
    if not blobs:
        return
    batch = _git(top, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha, _ in blobs).encode())
    if batch.returncode:
        raise RevisionError(f"无法读取版本 {commit[:12]} 中的文件：{batch.stderr.decode('utf-8', 'replace').strip()}")
    out, offset = batch.stdout, 0
    for _, path in blobs:
        end = out.index(b"\n", offset)
        size = int(out[offset:end].split()[2])
        target = data.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(out[end + 1:end + 1 + size])
        offset = end + 1 + size + 1


def _load(root: FsPath, label: str, date: datetime.date, schemas: SchemaSet) -> Side:
    corpus, problems = load_corpus(root, schemas)
    unreadable = sorted({p.file for p in problems if p.code in loader.CODES})
    return Side(label, corpus, date, unreadable)


def summarize(root: FsPath, base: str, head: str | None = None, *, today: datetime.date | None = None) -> str:
    """The Markdown summary of BASE → HEAD (HEAD None: the working tree under `root`)."""
    top, prefix = _repository(root)
    schemas = SchemaSet()
    with tempfile.TemporaryDirectory(prefix="portal-diff-") as temp:
        sides = []
        for number, revision in enumerate((base, head)):
            if revision is None:
                sides.append(_load(root, WORKTREE, today or datetime.date.today(), schemas))
                continue
            commit = resolve(top, revision)
            folder = FsPath(temp) / str(number)
            materialise(top, prefix, commit, folder)
            shown = _git(top, "show", "-s", "--format=%cs", commit).stdout.decode().strip()
            date = datetime.date.fromisoformat(shown) if shown else today or datetime.date.today()
            label = revision if revision.startswith(commit[:7]) else f"{revision}（{commit[:7]}）"
            sides.append(_load(folder, label, date, schemas))
        return render(compare(sides[0], sides[1], schemas), sides[0], sides[1])


# --- comparing ---------------------------------------------------------------------------

_ABSENT = object()


@dataclass
class Entry:
    text: str
    details: list[str] = field(default_factory=list)


@dataclass
class Section:
    title: str
    groups: list[tuple[str, list[Entry]]]

    def counts(self) -> str:
        return "，".join(f"{name} {len(entries)}" for name, entries in self.groups if entries)


def _first(index: dict[str, list[Ref]]) -> dict[str, Ref]:
    return {key: refs[0] for key, refs in index.items()}


def _changes(old: Any, new: Any, path: tuple = ()) -> Iterable[tuple[tuple, Any, Any]]:
    """(path, old, new) for each difference; lists of mappings are compared item by item."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            yield from _changes(old.get(key, _ABSENT), new.get(key, _ABSENT), path + (key,))
    elif (isinstance(old, list) and isinstance(new, list) and old and new
          and all(isinstance(v, dict) for v in old + new)):
        for index in range(max(len(old), len(new))):
            yield from _changes(old[index] if index < len(old) else _ABSENT,
                                new[index] if index < len(new) else _ABSENT, path + (index,))
    elif old != new or type(old) is not type(new) and not _same_number(old, new):
        yield path, old, new


def _same_number(a: Any, b: Any) -> bool:
    numbers = (int, float)
    return isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and a == b


def _sub(shape: Shape | None, part: Any) -> Shape | None:
    if shape is None:
        return None
    if isinstance(part, int) or part not in shape.props and shape.items is not None:
        return shape.items
    return shape.props.get(part)


def _field_name(shape: Shape | None, path: tuple) -> str:
    names: list[str] = []
    for part in path:
        child = _sub(shape, part)
        if isinstance(part, int):
            names[-1:] = [f"{names[-1] if names else ''}第 {part + 1} 项"]
        elif shape is not None and part not in shape.props and shape.items is not None:
            names.append(str(part))  # a list keyed by name (裁量阶次 › 从轻处罚)
        else:
            names.append(child.title if child is not None and child.title else str(part))
        shape = child
    return " › ".join(names)


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"


def _show(value: Any, shape: Shape | None = None) -> str:
    if value is _ABSENT:
        return "（无）"
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, list):
        return "、".join(_show(v, _sub(shape, 0)) for v in value) or "（空列表）"
    if isinstance(value, dict):
        return "，".join(f"{_field_name(shape, (k,))}：{_show(v, _sub(shape, k))}" for k, v in value.items())
    return str(value)


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def _change_lines(shape: Shape | None, old: Any, new: Any, *, skip: Callable[[tuple], bool] = lambda p: False,
                  ) -> list[str]:
    lines = []
    for path, before, after in _changes(old, new):
        if skip(path):
            continue
        child = shape
        for part in path:
            child = _sub(child, part)
        lines.append(f"{_md(_field_name(shape, path))}：{_md(_cut(_show(before, child)))} → "
                     f"{_md(_cut(_show(after, child)))}")
    return lines


def _agency_name(side: Side, ref: Ref) -> str:
    agency_id = ref.document.placement.agency
    agency = side.corpus.agency(agency_id)
    name = agency.get("short_name") if agency else None
    return name if isinstance(name, str) else str(agency_id or "上级")


def _label(side: Side, key: str, ref: Ref, *names: str) -> str:
    value = ref.value if isinstance(ref.value, dict) else {}
    name = next((value[n] for n in names if isinstance(value.get(n), str)), "")
    return _md(f"{key} {_cut(name)}（{_agency_name(side, ref)}）" if name else f"{key}（{_agency_name(side, ref)}）")


def _shapes(schemas: SchemaSet) -> dict[str, Shape | None]:
    def record(kind: str, key: str) -> Shape | None:  # one record of the list under `key`
        return _sub(_sub(schemas.shape(kind), key), 0)

    return {
        "item": record("items", "items"),
        "officer": record("personnel", "officers"),
        "benchmark": schemas.shape("benchmark"),
        "entry": record("benchmark", "entries"),
        "decision": schemas.shape("decision"),
    }


def compare(base: Side, head: Side, schemas: SchemaSet) -> list[Section]:
    shapes = _shapes(schemas)
    sections = [
        _items(base, head, shapes["item"]),
        _benchmarks(base, head, shapes["benchmark"], shapes["entry"]),
        _decisions(base, head, shapes["decision"]),
        _officers(base, head, shapes["officer"]),
        _other_files(base, head),
    ]
    return [s for s in sections if any(entries for _, entries in s.groups)]


def _items(base: Side, head: Side, shape: Shape | None) -> Section:
    old, new = _first(base.corpus.items), _first(head.corpus.items)
    added, cancelled, removed, changed = [], [], [], []
    for code, ref in new.items():
        if code not in old:
            value = ref.value
            added.append(Entry(_label(head, code, ref, "name") + _md(f"：{value.get('type', '')}")))
            continue
        before, after = old[code].value, ref.value
        lines = _change_lines(shape, before, after, skip=lambda p: p == ("status",))
        if before.get("status") != "已取消" and after.get("status") == "已取消":
            cancelled.append(Entry(_label(head, code, ref, "name"), lines))
        elif lines or before.get("status") != after.get("status"):
            changed.append(Entry(_label(head, code, ref, "name"),
                                 _change_lines(shape, before, after)))
        if old[code].document.placement.agency != ref.document.placement.agency:
            changed.append(Entry(_label(head, code, ref, "name"), [
                f"执法主体：{_md(_agency_name(base, old[code]))} → {_md(_agency_name(head, ref))}"]))
    for code, ref in old.items():
        if code not in new:
            removed.append(Entry(_label(base, code, ref, "name")
                                 + "：已从清单中删除（取消的事项应保留在清单中，状态改为“已取消”）"))
    return Section("执法事项", [("新增", added), ("变更", changed), ("取消", cancelled), ("删除", removed)])


def _range_pairs(old: list[FineRange], new: list[FineRange]) -> Iterable[tuple[FineRange | None, FineRange | None]]:
    units = list(dict.fromkeys([r.unit for r in old] + [r.unit for r in new]))
    for unit in units:
        before = [r for r in old if r.unit == unit]
        after = [r for r in new if r.unit == unit]
        for index in range(max(len(before), len(after))):
            yield (before[index] if index < len(before) else None, after[index] if index < len(after) else None)


def _range_change(old: FineRange | None, new: FineRange | None) -> str | None:
    if old is None and new is not None:
        return f"新增幅度 {new.text()}"
    if new is None and old is not None:
        return f"删除幅度 {old.text()}"
    if old is None or new is None or (old.min, old.max) == (new.min, new.max):
        return None
    verdict = "收紧" if new in old else "放宽" if old in new else "调整"
    return f"{old.text()} → {new.text()}（{verdict}）"


def _entry_ranges(before: dict, after: dict) -> list[str]:
    lines = []
    owners = [("法定幅度", before.get("statutory"), after.get("statutory"))]
    old_tiers = {t["tier"]: t for _, t in tiers(before)}
    new_tiers = {t["tier"]: t for _, t in tiers(after)}
    for name in [*new_tiers, *(n for n in old_tiers if n not in new_tiers)]:
        if name not in old_tiers:
            ranges = "、".join(r.text() for r in fine_ranges(new_tiers[name])) or "不罚款"
            lines.append(f"新增阶次 {name}：{ranges}")
        elif name not in new_tiers:
            lines.append(f"删除阶次 {name}")
        else:
            owners.append((name, old_tiers[name], new_tiers[name]))
    for name, old, new in owners:
        for pair in _range_pairs(fine_ranges(old), fine_ranges(new)):
            change = _range_change(*pair)
            if change:
                lines.append(f"{name}：{change}")
    return [_md(line) for line in lines]


def _keyed_tiers(entry: Any) -> Any:
    """The entry with its tiers keyed by name, so a tier inserted before others is one change."""
    if not isinstance(entry, dict) or not tiers(entry):
        return entry
    keyed = dict(entry)
    keyed["tiers"] = {tier["tier"]: {k: v for k, v in tier.items() if k != "tier"} for _, tier in tiers(entry)}
    return keyed


def _not_fines(path: tuple) -> bool:
    return "fines" in path or path[:1] == ("tiers",) and len(path) == 2  # ranges and whole tiers: above


def _benchmarks(base: Side, head: Side, doc_shape: Shape | None, entry_shape: Shape | None) -> Section:
    old_docs, new_docs = _first(base.corpus.benchmark_documents), _first(head.corpus.benchmark_documents)
    documents, ranges, entries_added, entries_removed, entries_changed = [], [], [], [], []
    for key, ref in new_docs.items():
        label = _label(head, key, ref, "title")
        if key not in old_docs:
            documents.append(Entry(f"{label}：新增基准文件"))
            continue
        lines = _change_lines(doc_shape, old_docs[key].value, ref.value, skip=lambda p: p[:1] == ("entries",))
        if lines:
            documents.append(Entry(label, lines))
    for key, ref in old_docs.items():
        if key not in new_docs:
            documents.append(Entry(f"{_label(base, key, ref, 'title')}：基准文件已删除"))
    old, new = _first(base.corpus.entries), _first(head.corpus.entries)
    for key, ref in new.items():
        label = _label(head, key, ref, "violation", "name")
        if key not in old:
            entries_added.append(Entry(label))
            continue
        before, after = old[key].value, ref.value
        lines = _entry_ranges(before, after)
        if lines:
            ranges.append(Entry(label, lines))
        other = _change_lines(entry_shape, _keyed_tiers(before), _keyed_tiers(after), skip=_not_fines)
        if other:
            entries_changed.append(Entry(label, other))
    for key, ref in old.items():
        if key not in new:
            entries_removed.append(Entry(_label(base, key, ref, "violation", "name")))
    return Section("裁量基准", [("幅度变化", ranges), ("新增条目", entries_added), ("删除条目", entries_removed),
                            ("条目其他变更", entries_changed), ("基准文件", documents)])


def _decisions(base: Side, head: Side, shape: Shape | None) -> Section:
    old, new = _first(base.corpus.decisions), _first(head.corpus.decisions)
    # A 文书号 corrected in place is a change of that decision, not a deletion and an addition.
    old_by_file = {ref.file: key for key, ref in old.items() if key not in new}
    renamed = {key: old_by_file[ref.file] for key, ref in new.items() if key not in old and ref.file in old_by_file}
    added, withdrawn, changed, removed = [], [], [], []
    for key, ref in new.items():
        label = _label(head, key, ref, "title")
        previous = old.get(key) or (old[renamed[key]] if key in renamed else None)
        after = ref.value
        if previous is None:
            added.append(Entry(label, _decision_facts(after)))
            continue
        before = previous.value
        if before.get("status") != "已撤回" and after.get("status") == "已撤回":
            withdrawal = after.get("withdrawal") if isinstance(after.get("withdrawal"), dict) else {}
            lines = [_md(f"撤回日期：{_show(withdrawal.get('date', _ABSENT))}；"
                         f"理由：{_cut(_show(withdrawal.get('reason', _ABSENT)))}；"
                         f"变更文书：{_cut(_show(withdrawal.get('document', _ABSENT)))}")]
            lines += _change_lines(shape, before, after, skip=lambda p: p[:1] in (("status",), ("withdrawal",)))
            withdrawn.append(Entry(label, lines))
            continue
        lines = _change_lines(shape, before, after)
        if lines:
            changed.append(Entry(label, lines))
    for key, ref in old.items():
        if key not in new and key not in renamed.values():
            removed.append(Entry(_label(base, key, ref, "title")
                                 + "：决定文件已删除（已公示的决定应按撤回办理，不应直接删除）"))
    return Section("执法决定", [("新增", added), ("撤回", withdrawn), ("变更", changed), ("删除", removed)])


def _decision_facts(value: dict) -> list[str]:
    facts = []
    for key, name in (("type", "职权类型"), ("decided_on", "决定日期"), ("item", "执法事项")):
        if isinstance(value.get(key), str):
            facts.append(f"{name}：{value[key]}")
    outcome = value.get("outcome") if isinstance(value.get("outcome"), dict) else {}
    if isinstance(outcome.get("fine"), (int, float)) and not isinstance(outcome.get("fine"), bool):
        facts.append(f"罚款：{_number(outcome['fine'])} 元")
    return [_md("；".join(facts))] if facts else []


def _date(value: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _expiry_note(head: Side, officer: dict) -> str | None:
    until = _date(officer.get("valid_until"))
    if officer.get("status") != "有效" or until is None:
        return None
    if until < head.date:
        return f"⚠ 证件有效期至 {until}，在 {head.date} 已过期"
    if (until - head.date).days <= EXPIRY_WARNING_DAYS:
        return f"⚠ 证件有效期至 {until}，距 {head.date} 不足 {EXPIRY_WARNING_DAYS} 日"
    return None


def _officers(base: Side, head: Side, shape: Shape | None) -> Section:
    old, new = _first(base.corpus.officers), _first(head.corpus.officers)
    added, lapsed, changed, removed = [], [], [], []
    for key, ref in new.items():
        label = _label(head, key, ref, "name")
        after = ref.value
        note = _expiry_note(head, after)
        if key not in old:
            fields = after.get("fields") if isinstance(after.get("fields"), list) else []
            details = [_md(f"执法类别：{_show(fields)}；有效期至：{_show(after.get('valid_until', _ABSENT))}")]
            added.append(Entry(label, details + ([note] if note else [])))
            continue
        before = old[key].value
        lines = _change_lines(shape, before, after)
        if not lines:
            continue
        old_until, new_until = _date(before.get("valid_until")), _date(after.get("valid_until"))
        lapse = (before.get("status") == "有效" and after.get("status") in ("暂扣", "注销")
                 or old_until is not None and new_until is not None and new_until < old_until)
        (lapsed if lapse else changed).append(Entry(label, lines + ([note] if note else [])))
    for key, ref in old.items():
        if key not in new:
            removed.append(Entry(_label(base, key, ref, "name")))
    return Section("执法人员", [("新增", added), ("证件失效", lapsed), ("变更", changed), ("移除", removed)])


_RECORD_KINDS = ("items", "personnel", "benchmark", "decision")


def _other_files(base: Side, head: Side) -> Section:
    def files(side: Side) -> dict[str, Any]:
        return {d.file: d.data for d in side.corpus.documents if d.kind not in _RECORD_KINDS}

    old, new = files(base), files(head)
    entries = [Entry(_md(f"{name}：{'新增' if name not in old else '已修改'}"))
               for name in sorted(new) if name not in old or old[name] != new[name]]
    entries += [Entry(_md(f"{name}：已删除")) for name in sorted(old) if name not in new]
    return Section("其他数据文件", [("主体、法律法规、门户等", entries)])


# --- Markdown ----------------------------------------------------------------------------

_SPECIAL = set("\\`*_[]<>|#~&!")


def _md(text: str) -> str:
    """Text from data as literal Markdown: no markup, links or HTML from a pull request."""
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf") or ch == " ")
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in " ".join(text.split()))


def render(sections: list[Section], base: Side, head: Side) -> str:
    lines = ["## 执法公示数据变更摘要", "",
             f"比较：{_md(base.label)} → {_md(head.label)}。证件是否将到期按 {head.date} 判断。", ""]
    for side in (base, head):
        if side.unreadable:
            lines += [f"> ⚠ {_md(side.label)} 中有 {len(side.unreadable)} 个文件无法读取（YAML 错误），"
                      "其中的记录没有计入本摘要：" + "、".join(_md(f) for f in side.unreadable), ""]
    if not sections:
        lines += ["本次变更没有改动公示数据。", ""]
    for section in sections:
        lines += [f"### {section.title}（{section.counts()}）", ""]
        for name, entries in section.groups:
            if not entries:
                continue
            lines += [f"**{name}（{len(entries)}）**", ""]
            for entry in entries:
                lines.append(f"- {entry.text}")
                lines += [f"  - {detail}" for detail in entry.details]
            lines.append("")
    return "\n".join(lines)
