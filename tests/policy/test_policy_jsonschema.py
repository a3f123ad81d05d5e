"""The JSON Schema generated from the dataclasses accepts the examples and refuses bad files."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

from escalade.policy import load_policy
from escalade.policy.introspect import spec_fields
from escalade.policy.jsonschema import policy_json_schema
from escalade.policy.schema import PolicySpec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "policies"
NAMES = ["mirrored-storage", "ione-tech", "mycorp", "zynstra", "vioe"]


def validator() -> jsonschema.Draft202012Validator:
    schema = policy_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def example(name: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())


def test_the_generated_schema_is_a_valid_draft_2020_12_schema() -> None:
    validator()


@pytest.mark.parametrize("name", NAMES)
def test_json_schema_accepts_the_example(name: str) -> None:
    assert [e.message for e in validator().iter_errors(example(name))] == []


@pytest.mark.parametrize("name", NAMES)
def test_json_schema_accepts_the_normalised_form(name: str) -> None:
    data = load_policy(EXAMPLES / f"{name}.yaml").to_dict()
    assert [e.message for e in validator().iter_errors(data)] == []


@pytest.mark.parametrize(("path", "value"), [
    (("targets", "basic", "P1", "first_response"), "2 days"),
    (("targets", "basic", "P1", "first_respons"), "1 hour"),
    (("calendars", "business_hours", "week", "mon"), ["8am to 6pm"]),
    (("lifecycle", "auto_close_after_days"), "a week"),
    (("clocks", "pause_statuses"), ["waiting"]),
    (("plans", "basic", "coverage"), None),
])
def test_json_schema_rejects_a_broken_policy(path: tuple, value) -> None:
    data = copy.deepcopy(example("mirrored-storage"))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    assert list(validator().iter_errors(data))


def test_json_schema_requires_the_required_sections() -> None:
    schema = policy_json_schema()
    assert schema["required"] == [f.name for f in spec_fields(PolicySpec) if f.required]
    assert set(schema["properties"]) == {f.name for f in spec_fields(PolicySpec)}


def test_every_property_in_the_schema_is_described() -> None:
    schema = policy_json_schema()
    objects = [schema, *(d.get("anyOf", [d])[-1] for d in schema["$defs"].values())]
    for obj in objects:
        for name, prop in obj["properties"].items():
            assert prop.get("description"), name
