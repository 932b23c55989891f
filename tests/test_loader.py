"""The strict loader: text stays text, and what YAML would accept silently is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import loader


def load(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return loader.load_bytes(raw, "x.yaml")


@pytest.mark.parametrize("source, value", [
    pytest.param("v: NO", "NO", id="norway-problem"),
    pytest.param("v: yes", "yes", id="yaml11-boolean"),
    pytest.param("v: 010000", "010000", id="postcode-octal"),
    pytest.param("v: 1.10", "1.10", id="version-float"),
    pytest.param("v: 1:30", "1:30", id="sexagesimal"),
    pytest.param("v: 0x1F", "0x1F", id="hex"),
    pytest.param("v: 2024-01-05", "2024-01-05", id="date"),
    pytest.param("v: 441825199001011234", "441825199001011234", id="18-digit-number"),
    pytest.param("v: 13800138000", "13800138000", id="mobile-number"),
    pytest.param("v: '5000'", "5000", id="quoted"),
])
def test_scalars_keep_the_text_that_was_typed(source: str, value: str):
    assert load(source).data == {"v": value}


@pytest.mark.parametrize("source", ["v:", "v: ~", "v: null"])
def test_empty_tilde_and_null_mean_no_value(source: str):
    assert load(source).data == {"v": None}


def test_quoted_null_is_text():
    assert load('v: "null"').data == {"v": "null"}


def test_nested_structures_load_in_order():
    assert load("a:\n  - b: 1\n    c: [x, y]\n").data == {"a": [{"b": "1", "c": ["x", "y"]}]}


def problems(text: str | bytes) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.column) for p in load(text).problems]


def test_duplicate_key_is_reported_at_the_second_occurrence_naming_the_first():
    result = load("name: A\nother: x\nname: B\n")
    assert result.data is None
    assert [(p.code, p.line, p.column) for p in result.problems] == [("yaml-duplicate-key", 3, 1)]
    assert "第 1 行" in result.problems[0].message


def test_nested_duplicate_key_is_reported():
    assert problems("a:\n  b: 1\n  b: 2\n") == [("yaml-duplicate-key", 3, 3)]


def test_after_a_nested_mapping_or_list_the_outer_one_goes_on_where_it_was():
    assert load("a:\n  b: {c: [1, {d: 2}]}\n  e: [f, [g]]\nh: i\n").data == {
        "a": {"b": {"c": ["1", {"d": "2"}]}, "e": ["f", ["g"]]}, "h": "i"}
    assert load("- [a, {b: c}]\n- d\n").data == [["a", {"b": "c"}], "d"]
    # the keys of each mapping are its own: the same key inside and outside is no duplicate
    assert load("a:\n  a: {a: 1}\n  b: 2\nb: 3\n").data == {"a": {"a": {"a": "1"}, "b": "2"}, "b": "3"}
    result = load("a:\n  b: 1\nc: 2\na: 3\n")  # a duplicate after a nested value names the first
    assert [(p.code, p.line, p.column) for p in result.problems] == [("yaml-duplicate-key", 4, 1)]
    assert "第 1 行" in result.problems[0].message


def test_alias_bomb_is_refused_at_its_first_alias():
    bomb = "a: &a [x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8))
    assert problems(bomb) == [("yaml-anchor", 1, 4), ("yaml-anchor", 2, 4), ("yaml-alias", 2, 8)]


def test_oversize_file_is_refused_before_it_is_parsed(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (10 * 1024 * 1024) + b"\n")
    result = loader.load_file(big, "big.yaml")
    assert [(p.code, p.line) for p in result.problems] == [("yaml-too-large", 1)]
    assert "10.0 MB" in result.problems[0].message


@pytest.mark.parametrize("raw, code", [
    pytest.param(b"\xef\xbb\xbfa: 1\n", "yaml-bom", id="utf8-bom"),
    pytest.param(b"\xff\xfea\x00:\x00", "yaml-bom", id="utf16"),
    pytest.param("名称: 连山\n".encode("gbk"), "yaml-encoding", id="gbk"),
    pytest.param(b"a:\n\tb: 1\n", "yaml-tab", id="tab"),
    pytest.param("a: x\u202ey\n".encode(), "yaml-control-char", id="bidi-override"),
    pytest.param(b"a: \x07\n", "yaml-control-char", id="bell"),
    pytest.param(b"a: 1\n---\nb: 2\n", "yaml-multiple-documents", id="two-documents"),
    pytest.param(b"a: !!python/object/apply:os.system [ls]\n", "yaml-tag", id="python-tag"),
    pytest.param(b"? [a, b]\n: 1\n", "yaml-key-type", id="list-as-key"),
    pytest.param(b"# only a comment\n", "yaml-empty", id="empty"),
    pytest.param(b"a: " + b"[" * 999 + b"]" * 999 + b"\n", "yaml-too-deep", id="deep-flow"),
    pytest.param("\n".join("  " * i + f"k{i}:" for i in range(1500)).encode() + b" v\n", "yaml-too-deep",
                 id="deep-block"),
    pytest.param(b"a: 'unclosed\n", "yaml-syntax", id="unclosed-quote"),
])
def test_unsafe_or_ambiguous_input_is_refused(raw: bytes, code: str):
    result = loader.load_bytes(raw, "x.yaml")
    assert result.data is None
    assert code in [p.code for p in result.problems]
    assert all(p.file == "x.yaml" and p.line >= 1 for p in result.problems)


def test_syntax_errors_are_explained_in_chinese_with_the_original():
    (problem,) = load("a: b: c\n").problems
    assert (problem.code, problem.line, problem.column) == ("yaml-syntax", 1, 5)
    assert problem.message.startswith("YAML 语法错误：这里出现了多余的冒号")
    assert "mapping values are not allowed" in problem.message


def test_locate_finds_values_keys_and_falls_back_to_the_deepest_existing_node():
    root = loader.compose(b"a:\n  b:\n    - x\n    - y\n")
    assert loader.locate(root, ("a", "b", 1)) == (4, 7)
    assert loader.locate(root, ("a", "b"), at_key=True) == (2, 3)
    assert loader.locate(root, ("a", "missing")) == (2, 3)
    assert loader.locate(None, ("a",)) == (1, 1)


def test_random_bytes_never_raise():
    import random

    generator = random.Random(20261127)
    alphabet = [b"a", b":", b" ", b"\n", b"-", b"&", b"*", b"[", b"]", b"{", b"}", b"'", b'"', b"#", b"!",
                b"\t", b"\xe4\xb8\xad", b"\xff", b"?", b"|", b">", b"%", b"@", b"`", b"\\"]
    for _ in range(3000):
        raw = b"".join(generator.choice(alphabet) for _ in range(generator.randint(0, 40)))
        result = loader.load_bytes(raw, "fuzz.yaml")
        assert result.data is not None or result.problems


def test_windows_line_endings_load_like_unix_ones():
    unix = load("a: 1\nb:\n  - x\n").data
    assert load(b"a: 1\r\nb:\r\n  - x\r\n").data == unix == {"a": "1", "b": ["x"]}


def test_a_merge_key_is_refused_as_an_alias():
    assert "yaml-alias" in [code for code, _, _ in problems("base: &b {x: 1}\nother:\n  <<: *b\n")]


def test_short_values_and_field_names_are_shared_and_long_texts_are_not():
    from generator.loader import SHARED_LENGTH

    long_text = "长" * (SHARED_LENGTH + 1)
    source = f"a:\n  kind: 自然人\n  facts: {long_text}\nb:\n  kind: 自然人\n  facts: {long_text}\n"
    data = loader.load_bytes(source.encode(), "x.yaml").data
    assert data == {"a": {"kind": "自然人", "facts": long_text}, "b": {"kind": "自然人", "facts": long_text}}
    assert data["a"]["kind"] is data["b"]["kind"]
    assert data["a"]["facts"] is not data["b"]["facts"]


def test_the_text_is_kept_for_the_checks_on_the_source_only_when_the_bytes_are_utf8():
    assert load("a: 连山\n").text == "a: 连山\n"
    assert load("a:\n\tb: 1\n").text == "a:\n\tb: 1\n"  # refused for its tab, still text
    assert load("名称: 连山\n".encode("gbk")).text is None
    assert load(b"\xef\xbb\xbfa: 1\n").text is None
