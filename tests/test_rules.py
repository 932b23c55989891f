"""Rule modules follow one contract, and every code they report is exercised by a fixture."""

from __future__ import annotations

import inspect

import pytest

from generator.rules import RULE_CODES, RULES

from .test_invalid_examples import EXPECTED


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_module_has_codes_a_check_and_a_pass_and_fail_example(name: str):
    module = RULES[name]
    doc = inspect.getdoc(module) or ""
    assert module.CODES and all(code == code.lower() and " " not in code for code in module.CODES)
    assert callable(module.check)
    assert "通过" in doc and "不通过" in doc, name


def test_every_rule_code_has_a_failing_fixture():
    exercised = {code for _, problems in EXPECTED.values() for code, _, _ in problems}
    exercised |= {"missing-file"}  # a project without site.yaml: test_bundled_data.py
    assert sorted(set(RULE_CODES) - exercised) == []


def test_every_loader_and_schema_code_that_can_occur_is_known():
    """Codes reported by the loader and schema checks come from their catalogues."""
    from generator import loader, schemas

    exercised = {code for _, problems in EXPECTED.values() for code, _, _ in problems}
    yaml_codes = {code for code in exercised if code.startswith("yaml-")}
    schema_codes = {code for code in exercised if code.startswith("schema-")}
    assert yaml_codes <= set(loader.CODES)
    assert schema_codes <= set(schemas.CODES)
