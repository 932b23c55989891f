"""A deterministic synthetic corpus for scale tests and benchmarks (``portal synth``).

The corpus is grown from the sample data in this repository, so every record keeps the shape and
the rule-checked relations of a real one (doc numbers, officers valid on the decision date, fines
inside the benchmark tier, working-day and display deadlines, masked names, credit-code checksums):
each sample body is cloned under a new id, and its items, benchmark entries and decisions are
replicated with new codes, entry ids and doc numbers. Names stay the sample's fictional ones.
The seed decides which sample decision fills each slot; the same seed gives byte-identical files.
"""
from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

# Sample bodies that are 镇人民政府; the rest are county departments.
TOWNS = ("jitian", "taibao")


@dataclass(frozen=True)
class Scale:
    """How big a corpus is: bodies (of which towns), and the wanted record counts."""

    departments: int
    towns: int
    items: int
    entries: int
    decisions: int


SCALES = {
    "tiny": Scale(departments=9, towns=3, items=200, entries=80, decisions=250),
    "county": Scale(departments=40, towns=7, items=10_000, entries=30_000, decisions=50_000),
    "city": Scale(departments=320, towns=56, items=80_000, entries=240_000, decisions=400_000),
}

# Written into every synthetic project: only such a folder is replaced by the next run.
MARKER = ".portal-synth"

# Top-level list entries of items.yaml and of a benchmark file start at this indentation.
_ITEM = re.compile(r"^  - code: ", re.M)
_ENTRY = re.compile(r"^  - id: ", re.M)
_DOC_NO = re.compile(r"^doc_no: (?P<prefix>\S+?)〔(?P<year>\d{4})〕(?P<seq>\d+)号$", re.M)
_CERT = re.compile(r'"(4418\d{7})"')
_ITEM_CODE = re.compile(r'"441825-')


def _token(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9-]){re.escape(name)}(?![a-z0-9])")


def _split(text: str, start: re.Pattern[str]) -> tuple[str, list[str]]:
    """Split a YAML file into its head and its top-level list entries (text kept as written)."""
    marks = [m.start() for m in start.finditer(text)]
    if not marks:
        return text, []
    return text[:marks[0]], [text[a:b] for a, b in zip(marks, marks[1:] + [len(text)], strict=True)]


def _rename(text: str, template: str, tag: str, entry_ids: list[str]) -> str:
    """A sample body's text under its clone's ids: body id, entry ids, cert numbers, item codes."""
    if not tag:
        return text
    text = _token(template).sub(template + tag, text)
    for entry in entry_ids:
        text = _token(entry).sub(f"{entry}-{tag}", text)
    text = _CERT.sub(lambda match: f'"{tag.upper()}{match[1]}"', text)
    return _ITEM_CODE.sub(f'"441825{tag.upper()}-', text)


def _replicas(count: int, wanted: int) -> int:
    """Copies of each sample record so that `count` records become about `wanted` (at least 1)."""
    return max(1, round(wanted / count)) if count else 1


def synthesize(sample_root: Path, out: Path, scale: str | Scale = "county", seed: int = 0) -> dict[str, int]:
    """Write a complete project folder to `out`; return the record counts."""
    size = SCALES[scale] if isinstance(scale, str) else scale
    rng = random.Random(seed)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise FileExistsError(f"{out} is not empty and was not written by portal synth")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(f"portal synth --scale {scale if isinstance(scale, str) else 'custom'} --seed {seed}\n",
                              "utf-8")
    data = sample_root / "data"
    shutil.copytree(sample_root / "docs", out / "docs")
    shutil.copytree(sample_root / "schemas", out / "schemas")
    # The program is not copied: `portal build` brings its own hook, and mkdocs refuses to watch
    # a folder that does not exist.
    config = (sample_root / "mkdocs.yml").read_text("utf-8").replace("  - generator\n", "")
    (out / "mkdocs.yml").write_text(config, "utf-8")
    (out / "data").mkdir()
    for name in ("site.yaml", "pii-allowlist.yaml", "releases.yaml"):
        if (data / name).exists():
            shutil.copy2(data / name, out / "data" / name)
    for folder in ("laws", "upstream", "calendar"):
        if (data / folder).exists():
            shutil.copytree(data / folder, out / "data" / folder)

    agencies = sorted(p.name for p in (data / "agencies").iterdir() if (p / "agency.yaml").exists())
    departments = [a for a in agencies if a not in TOWNS]
    towns = [a for a in agencies if a in TOWNS]
    bodies = [departments[i % len(departments)] for i in range(size.departments)]
    bodies += [towns[i % len(towns)] for i in range(size.towns)]
    per_template = {a: bodies.count(a) for a in agencies}
    n_items = sum(_ITEM.findall((data / "agencies" / a / "items.yaml").read_text("utf-8")).__len__()
                  * per_template[a] for a in agencies)
    n_entries = sum(len(_ENTRY.findall(p.read_text("utf-8"))) * per_template[a]
                    for a in agencies for p in (data / "agencies" / a / "benchmarks").glob("*.yaml"))
    n_decisions = sum(len(list((data / "agencies" / a / "decisions").rglob("*.yaml"))) * per_template[a]
                      for a in agencies)
    item_copies = _replicas(n_items, size.items)
    entry_copies = _replicas(n_entries, size.entries)
    decision_copies = _replicas(n_decisions, size.decisions)

    counts = {"bodies": len(bodies), "items": 0, "entries": 0, "decisions": 0, "officers": 0}
    next_seq: dict[tuple[str, str], int] = {}
    taken: set[tuple[str, str, int]] = set()
    seen: dict[str, int] = {}
    for template in bodies:
        generation = seen.get(template, 0)
        seen[template] = generation + 1
        tag = "" if generation == 0 else f"x{generation}"
        body = template + tag
        source = data / "agencies" / template
        target = out / "data" / "agencies" / body
        entry_ids = sorted({m for p in (source / "benchmarks").glob("*.yaml")
                            for m in re.findall(r"^  - id: (\S+)$", p.read_text("utf-8"), re.M)},
                           key=len, reverse=True)

        def rename(text: str, template: str = template, tag: str = tag, entry_ids: list[str] = entry_ids) -> str:
            return _rename(text, template, tag, entry_ids)

        target.mkdir(parents=True)
        for name in ("agency.yaml", "personnel.yaml"):
            text = rename((source / name).read_text("utf-8"))
            (target / name).write_text(text, "utf-8")
        counts["officers"] += len(re.findall(r"^  - name: ", (target / "personnel.yaml").read_text("utf-8"), re.M))

        head, items = _split(rename((source / "items.yaml").read_text("utf-8")), _ITEM)
        grown = []
        for copy in range(item_copies):
            for block in items:
                grown.append(block if copy == 0 else re.sub(r'^(  - code: "[^"]+)"', rf'\1-{copy}"', block, count=1))
        (target / "items.yaml").write_text(head + "".join(grown), "utf-8")
        counts["items"] += len(grown)

        (target / "benchmarks").mkdir()
        for path in sorted((source / "benchmarks").glob("*.yaml")):
            head, entries = _split(rename(path.read_text("utf-8")), _ENTRY)
            grown = []
            for copy in range(entry_copies):
                for block in entries:
                    grown.append(block if copy == 0 else re.sub(r"^(  - id: \S+)", rf"\1-r{copy}", block, count=1))
            (target / "benchmarks" / _token(template).sub(body, path.name) if tag else
             target / "benchmarks" / path.name).write_text(head + "".join(grown), "utf-8")
            counts["entries"] += len(grown)

        samples = sorted((source / "decisions").rglob("*.yaml"))
        texts = [rename(p.read_text("utf-8")) for p in samples]
        slots = [i for _ in range(decision_copies) for i in range(len(samples))]
        # The first round keeps every sample decision; the seed picks the rest.
        slots = slots[:len(samples)] + [rng.randrange(len(samples)) for _ in slots[len(samples):]]
        for index in slots:
            text, sample = texts[index], samples[index]
            match = _DOC_NO.search(text)
            if match is None:
                raise ValueError(f"{sample}: no doc_no line to renumber")
            prefix, year, seq = match["prefix"], match["year"], int(match["seq"])
            key = (prefix, year)
            if (prefix, year, seq) in taken or key in next_seq:
                seq = next_seq.get(key, 1000)
                next_seq[key] = seq + 1
                old = match[0][len("doc_no: "):]
                text = text.replace(old, f"{prefix}〔{year}〕{seq}号")
                rest = sample.stem.split("-", 2)[2] if sample.stem.count("-") >= 2 else sample.stem
                name = f"{year}-{seq}-{rest}.yaml"
            else:
                taken.add((prefix, year, seq))
                name = sample.name
            folder = target / "decisions" / sample.parent.name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, "utf-8")
            counts["decisions"] += 1
    return counts
