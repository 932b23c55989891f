"""The schemas themselves: valid 2020-12, no unknown keywords, closed objects, Chinese
titles and descriptions everywhere, and every `format` actually enforced."""

from __future__ import annotations

from typing import Any
from collections.abc import Iterator

import pytest
from jsonschema import Draft202012Validator

from generator.schemas import FORMAT_CHECKER, KIND_SCHEMAS, SchemaSet

SCHEMAS = SchemaSet()

# Every keyword of JSON Schema 2020-12 (core, applicator, validation, format, meta-data,
# unevaluated) plus our one extension, x-error (the Chinese reason shown for a pattern).
KNOWN_KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "$comment", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas", "prefixItems", "items",
    "contains", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "unevaluatedItems", "unevaluatedProperties", "type", "enum", "const", "multipleOf", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems",
    "minItems", "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties", "required",
    "dependentRequired", "format", "title", "description", "default", "deprecated", "readOnly",
    "writeOnly", "examples", "x-error",
}
# keywords whose values are maps of names to schemas, not schemas
NAMED_SCHEMAS = {"properties", "patternProperties", "$defs", "dependentSchemas"}


def walk(node: Any, path: str = "") -> Iterator[tuple[str, dict]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in NAMED_SCHEMAS and isinstance(value, dict):
                for name, sub in value.items():
                    yield from walk(sub, f"{path}/{key}/{name}")
            elif key in ("items", "not", "if", "then", "else", "additionalProperties",
                         "unevaluatedProperties", "contains", "propertyNames"):
                yield from walk(value, f"{path}/{key}")
            elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
                for index, sub in enumerate(value):
                    yield from walk(sub, f"{path}/{key}/{index}")


ALL = [(name, path, node) for name, doc in SCHEMAS.documents.items() for path, node in walk(doc)]


@pytest.mark.parametrize("name", sorted(SCHEMAS.documents))
def test_schema_is_valid_json_schema_2020_12(name: str):
    Draft202012Validator.check_schema(SCHEMAS.documents[name])


def test_no_schema_uses_an_unknown_keyword():
    unknown = [(name, path, key) for name, path, node in ALL for key in node if key not in KNOWN_KEYWORDS]
    assert unknown == []


def test_meta_check_catches_a_misspelled_keyword():
    bad = {"type": "object", "requird": ["x"]}
    assert [key for _, node in walk(bad) for key in node if key not in KNOWN_KEYWORDS] == ["requird"]


def test_every_object_is_closed():
    open_objects = [(name, path) for name, path, node in ALL
                    if node.get("type") == "object" and "properties" in node
                    and node.get("additionalProperties") is not False
                    and node.get("unevaluatedProperties") is not False
                    and not path.endswith(("/then", "/else"))
                    and "/$defs/" + path.rsplit("/", 1)[-1] not in _REFERENCED_FROM_CLOSED]
    assert open_objects == []


# Parts of a discriminated record (benchmark entry kinds) are closed by the record's
# unevaluatedProperties, which sees through $ref and if/then.
_REFERENCED_FROM_CLOSED = {"/$defs/penalty", "/$defs/permit", "/$defs/inspection", "/$defs/coercion"}


def test_every_property_has_a_chinese_title_and_description():
    def chinese(text: Any) -> bool:
        return isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text)

    missing = []
    for name, path, node in ALL:
        if "/if" in path:  # `if` conditions test a value; they declare no field
            continue
        for key, sub in node.get("properties", {}).items():
            if sub is False:
                continue
            target = sub
            if "$ref" in sub and not ("title" in sub and "description" in sub):
                target, _ = SCHEMAS.resolve(sub["$ref"], name)
            if not (chinese(sub.get("title", target.get("title"))) and
                    chinese(sub.get("description", target.get("description")))):
                missing.append((name, f"{path}/properties/{key}"))
    assert missing == []


def test_every_format_used_is_known_to_the_checker():
    assert SCHEMAS.formats_used <= set(FORMAT_CHECKER.checkers)


@pytest.mark.parametrize("fmt, good, bad", [
    ("date", "2024-02-29", "2023-02-29"),
    ("date", "2024-12-31", "2024/12/31"),
    ("email", "sfj@lianshan.gov.cn", "sfj.lianshan.gov.cn"),
    ("uri", "https://zfgs.lianshan.gov.cn/", "zfgs.lianshan.gov.cn"),
])
def test_each_format_is_enforced(fmt: str, good: str, bad: str):
    validator = Draft202012Validator({"format": fmt}, format_checker=FORMAT_CHECKER)
    assert validator.is_valid(good)
    assert not validator.is_valid(bad)


def test_every_record_kind_has_a_schema():
    assert set(KIND_SCHEMAS.values()) <= set(SCHEMAS.documents)
    assert set(KIND_SCHEMAS) == {"site", "law", "agency", "personnel", "items", "benchmark", "decision", "calendar",
                                 "pii-allowlist", "releases"}


def _documents_under(root):
    from generator import loader
    from generator.layout import discover
    from generator.schemas import coerce

    placements, _ = discover(root)
    for placement in placements:
        loaded = loader.load_file(root / placement.rel, placement.rel)
        if loaded.data is not None:
            yield placement.kind, placement.rel, coerce(loaded.data, SCHEMAS.shape(placement.kind))


def test_fast_and_reference_validators_agree_on_every_fixture_and_bundled_record(tmp_path):
    """jsonschema-rs decides validity; python-jsonschema explains. They must never disagree."""
    import shutil

    from .conftest import INVALID, REPO, VALID

    roots = [REPO, VALID]
    for case in sorted(INVALID.glob("*.yaml")):
        root = tmp_path / case.stem
        shutil.copytree(VALID, root)
        from .test_invalid_examples import EXPECTED

        (root / EXPECTED[case.name][0]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case, root / EXPECTED[case.name][0])
        roots.append(root)
    disagreements = []
    checked = 0
    for root in roots:
        for kind, rel, data in _documents_under(root):
            fast = SCHEMAS.fast_validator(kind).is_valid(data)
            reference = SCHEMAS.validator(kind).is_valid(data)
            checked += 1
            if fast != reference:
                disagreements.append((root.name, rel, fast, reference))
    assert checked > 100
    assert disagreements == []


@pytest.mark.parametrize("kind, data", [
    ("decision", {"doc_no": "x"}),
    ("agency", {"id": "Bad Id"}),
    ("site", {"name": "门户", "base_url": "ftp://x"}),
    ("law", {"id": "x1", "name": "法", "level": "法律", "issuer": "全国人大", "status": "已废止", "last_article": 3}),
])
def test_fast_validator_rejects_what_the_reference_rejects(kind: str, data: dict):
    assert not SCHEMAS.validator(kind).is_valid(data)
    assert not SCHEMAS.fast_validator(kind).is_valid(data)


LAW = {"id": "x-fa", "name": "某法", "level": "法律", "issuer": "全国人民代表大会常务委员会",
       "status": "现行有效", "last_article": 10}


@pytest.mark.parametrize("change, expected", [
    ({"last_article": 0}, ("schema-minimum", "「最后一条」不能小于 1，实际是 0。")),
    ({"aliases": []}, ("schema-minItems", "「简称」至少需要 1 项。")),
    ({"name": ""}, ("schema-minLength", "「名称」不能为空。")),
    ({"name": "   "}, ("schema-pattern", "「名称」不能为空。")),
    ({"level": "法规"}, ("schema-enum", "「效力级别」的值“法规”不在允许范围内，应为：法律、行政法规、部门规章、地方性法规、"
                                      "地方政府规章、规范性文件。")),
    ({"last_article": "八十六"}, ("schema-type", "「最后一条」应为整数，实际是“八十六”（只写阿拉伯数字，不要加单位、逗号或引号）。")),
    ({"effective_from": "2021/07/15"}, ("schema-format", "「施行日期」的值“2021/07/15”不是有效的日期（YYYY-MM-DD，且须是真实存在的日期）。")),
    ({"articles": [{"no": 1}]}, ("schema-required", "缺少必填字段 text「条文内容」。")),
])
def test_schema_messages_name_the_field_by_its_chinese_title(change: dict, expected: tuple):
    from generator.schemas import iter_schema_problems

    problems = list(iter_schema_problems(SCHEMAS, "law", {**LAW, **change}, "data/laws/x-fa.yaml"))
    assert [(p.code, p.message) for p in problems] == [expected]


ENTRY = {"id": "ls-x-001", "kind": "行政处罚", "item": "441825-X-CF-0001", "violation": "某违法行为",
         "violated": ["《某法》第一条"], "penalty_basis": ["《某法》第二条"],
         "statutory": {"kinds": ["罚款"], "fines": [{"unit": "元", "min": 1000, "max": 5000}]},
         "tiers": [{"tier": "一般处罚", "circumstances": ["一般情形"], "kinds": ["罚款"],
                    "fines": [{"unit": "元", "min": 1000, "max": 5000}]}]}
BENCHMARK = {"id": "ls-x-2023", "title": "某基准", "doc_no": "连山某规〔2023〕1号", "issuer": "某局",
             "issuer_level": "县", "effective_from": "2023-01-01", "status": "现行有效", "entries": [ENTRY]}


@pytest.mark.parametrize("change, expected", [
    # a mistake inside the 行政处罚 fields: only that mistake, not every 行政处罚 field as "unknown"
    ({"statutory": {"kinds": ["罚款"], "fines": [{"unit": "元", "min": "五千", "max": 5000}]}},
     [("schema-type", ("entries", 0, "statutory", "fines", 0, "min"))]),
    ({"tiers": [{"tier": "一般处罚", "circumstances": ["一般情形"], "fines": [{"unit": "元", "max": 5000}]}]},
     [("schema-required", ("entries", 0, "tiers", 0, "fines", 0))]),
    # a field of another kind of entry says which kind it belongs to
    ({"scope": "食品经营者"}, [("schema-unknown-field", ("entries", 0, "scope"))]),
])
def test_benchmark_entry_problems_name_the_field_not_its_whole_kind(change: dict, expected: list):
    from generator.schemas import iter_schema_problems

    document = {**BENCHMARK, "entries": [{**ENTRY, **change}]}
    problems = list(iter_schema_problems(SCHEMAS, "benchmark", document, "x.yaml"))
    assert [(p.code, p.path) for p in problems] == expected
    if "scope" in change:
        assert problems[0].message == ("「检查范围」（scope）只在「条目类别」为行政检查时填写，「基准条目」中不允许该字段："
                                       "请删除，或改正「条目类别」。")


def test_a_field_of_several_kinds_names_them_all():
    from generator.schemas import iter_schema_problems

    document = {**BENCHMARK, "entries": [{**ENTRY, "name": "某事项"}]}
    messages = [p.message for p in iter_schema_problems(SCHEMAS, "benchmark", document, "x.yaml")]
    assert messages == ["「事项名称」（name）只在「条目类别」为行政许可、行政检查、行政强制时填写，「基准条目」中不允许该字段："
                        "请删除，或改正「条目类别」。"]


def test_money_allows_at_most_two_decimals():
    from generator.schemas import coerce, iter_schema_problems

    decision = {"outcome": coerce({"fine": "100.005"}, SCHEMAS.shape("decision").props["outcome"])}
    messages = [p.message for p in iter_schema_problems(SCHEMAS, "decision", decision, "x.yaml")
                if p.code == "schema-multipleOf"]
    assert messages == ["「罚款金额（元）」最多保留两位小数（精确到分），实际是 100.005。"]


def test_an_unexpected_field_jsonschema_does_not_name_is_reported_not_guessed():
    from jsonschema import ValidationError

    from generator.schemas import Explainer

    error = ValidationError("Unevaluated properties are not allowed", validator="unevaluatedProperties",
                            instance={"id": "x", "oops": 1}, path=("entries", 0))
    problems = list(Explainer(SCHEMAS, "benchmark").problems(error, "b.yaml", {}))
    assert [(p.code, p.path) for p in problems] == [("schema-unknown-field", ("entries", 0))]
    assert "不允许的字段" in problems[0].message


def _without_inert_marks(shape: Any, seen: dict[int, Any] | None = None) -> Any:
    """A copy of a shape tree with no place marked inert: `coerce` then walks everything."""
    import dataclasses

    seen = {} if seen is None else seen
    if id(shape) not in seen:
        copy = dataclasses.replace(shape, props={}, inert=False)
        seen[id(shape)] = copy
        copy.props = {key: _without_inert_marks(child, seen) for key, child in shape.props.items()}
        copy.items = None if shape.items is None else _without_inert_marks(shape.items, seen)
    return seen[id(shape)]


def test_skipping_inert_places_changes_no_coerced_value_and_no_tracked_value(tmp_path):
    from pathlib import Path

    from generator.layout import discover
    from generator.loader import load_file
    from generator.schemas import coerce
    from generator.synth import synthesize

    repo = Path(__file__).resolve().parent.parent
    synthesize(repo, tmp_path / "tiny", "tiny", seed=5)
    schemas = SchemaSet()
    marked = {kind: schemas.shape(kind) for kind in KIND_SCHEMAS}
    assert any(shape.inert for shape in marked["decision"].props.values())
    assert not marked["decision"].inert  # fines are numbers, doc_no is tracked
    plain = {kind: _without_inert_marks(shape) for kind, shape in marked.items()}
    for root in (repo, tmp_path / "tiny"):
        placements, _ = discover(root)
        for placement in placements:
            data = load_file(root / placement.rel, placement.rel).data
            fast: list = []
            slow: list = []
            assert coerce(data, marked[placement.kind], (), fast) == coerce(data, plain[placement.kind], (), slow)
            assert fast == slow, placement.rel
