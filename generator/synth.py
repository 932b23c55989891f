"""A deterministic synthetic corpus for scale tests and benchmarks (``portal synth``).

The corpus is grown from the sample data in this repository, so every record keeps the shape and
the rule-checked relations of a real one (doc numbers, officers valid on the decision date, fines
inside the benchmark tier, working-day and display deadlines, masked names, credit-code checksums):
each sample body is cloned under a new id, and its items, benchmark entries and decisions are
replicated with new codes, entry ids and doc numbers. Names stay the sample's fictional ones.
The seed decides which sample decision fills each slot; the same seed gives byte-identical files.

``county`` (``--county N``) makes the N-th of several distinct fictional counties of one province
(for the province simulation, docs/province.md): county 0 is the sample's own 连山; county N ≥ 1
gets a fictional name (``COUNTY_NAMES``), short name and 行政区划代码 written wherever the sample
writes 连山 or 441825 (body names, 机关代字 and so 文书号, item codes, certificate numbers,
site.yaml), so no two counties share a 文书号, an item code or a site name.
"""
from __future__ import annotations

import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

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


# Fictional county names for ``county`` N ≥ 1: first character × second character, 132 in all
# (a province has about 122 counties). None is 连山, and the two characters are the short name.
_FIRST = "青白金石云松桂梅兰竹柳"
_SECOND = "溪岭川源江河林阳平安宁丰"
COUNTY_NAMES = tuple(a + b for a in _FIRST for b in _SECOND)
# Where the sample writes its region code: item codes (441825-, or 441825X1- in a cloned body)
# and the 11-digit certificate numbers ("44182501001"); never inside a credit code (its check
# character would no longer match).
_REGION = re.compile(r"441825(?=-|X\d+-|\d{5}\")")


@dataclass(frozen=True)
class County:
    """The N-th synthetic county: its full name, short name (in 机关代字) and 行政区划代码."""

    index: int
    name: str
    short: str
    region: str

    @classmethod
    def of(cls, index: int) -> County:
        if not 1 <= index <= len(COUNTY_NAMES):
            raise ValueError(f"county must be between 1 and {len(COUNTY_NAMES)}")
        short = COUNTY_NAMES[index - 1]
        # 49 is no province's code: a synthetic region code can never be a real county's.
        return cls(index, f"{short}县", short, f"49{index:04d}")

    def rename(self, text: str) -> str:
        """The sample's text as this county's: names, 机关代字, region codes."""
        text = text.replace("连山壮族瑶族自治县", self.name).replace("连山", self.short)
        return _REGION.sub(self.region, text)


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


def synthesize(sample_root: Path, out: Path, scale: str | Scale = "county", seed: int = 0,
               county: int = 0) -> dict[str, int]:
    """Write a complete project folder to `out` (county `county`, 0 for 连山); return the record counts."""
    size = SCALES[scale] if isinstance(scale, str) else scale
    other = County.of(county) if county else None
    rng = random.Random(seed)
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise FileExistsError(f"{out} is not empty and was not written by portal synth")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(f"portal synth --scale {scale if isinstance(scale, str) else 'custom'} --seed {seed}"
                              + (f" --county {county}" if county else "") + "\n", "utf-8")
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
    if other is not None:
        _become(out, other)
    return counts


def _become(out: Path, county: County) -> None:
    """Rewrite the written project as `county`'s: its site, its bodies' files, mkdocs.yml."""
    paths = [out / "mkdocs.yml", out / "data" / "site.yaml",
             *sorted(p for p in (out / "data" / "agencies").rglob("*.yaml"))]
    # A town's 机关代字 (吉田综执罚) has no county name in it; the county's short name goes first.
    towns = sorted({str(prefix) for path in (out / "data" / "agencies").glob("*/agency.yaml")
                    for prefix in (yaml.safe_load(path.read_text("utf-8")) or {}).get("doc_prefixes") or []
                    if "连山" not in str(prefix)}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, towns))
    for path in paths:
        text = path.read_text("utf-8")
        renamed = county.rename(text)
        if towns:
            renamed = re.sub(rf"^(  - )({alternatives})$", rf"\1{county.short}\2", renamed, flags=re.M)
            renamed = re.sub(rf"({alternatives})(?=〔)", rf"{county.short}\1", renamed)
        if path.name == "site.yaml":
            renamed = re.sub(r'^region_code: "?\d+"?$', f'region_code: "{county.region}"', renamed, flags=re.M)
        if renamed != text:
            path.write_text(renamed, "utf-8")
