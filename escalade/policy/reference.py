"""The key tables of docs/policy.md, generated from the schema dataclasses.

    python -m escalade.policy.reference docs/policy.md    # rewrite the generated part

The generated part sits between the BEGIN/END markers below; a test fails when it is stale.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from . import schema
from .introspect import describe_type, shape, spec_fields
from .runtime import _plain

BEGIN = "<!-- BEGIN GENERATED KEY TABLES (python -m escalade.policy.reference docs/policy.md) -->"
END = "<!-- END GENERATED KEY TABLES -->"

_PLACEHOLDER = {schema.Key: "NAME", schema.PlanKey: "PLAN", schema.PriorityKey: "PRIORITY",
                schema.CategoryKey: "CATEGORY"}


def _sections() -> list[tuple[str, type]]:
    """(YAML path pattern, dataclass) for every section, in the order a reader meets them."""
    out: list[tuple[str, type]] = []
    seen: set[type] = set()

    def visit(tp: Any, path: str) -> None:
        s = shape(tp)
        if s.kind == "optional":
            visit(s.args[0], path)
        elif s.kind == "list":
            visit(s.args[0], path + "[]")
        elif s.kind == "dict":
            visit(s.args[1], f"{path}.{_PLACEHOLDER.get(shape(s.args[0]).newtype, 'KEY')}")
        elif s.kind == "dataclass" and s.args[0] not in seen:
            cls = s.args[0]
            seen.add(cls)
            out.append((path.lstrip("."), cls))
            for f in spec_fields(cls):
                visit(f.type, f"{path}.{f.name}")

    visit(schema.PolicySpec, "")
    return out


def _default(f: Any) -> str:
    if f.required:
        return "**required**"
    if shape(f.type).kind == "dataclass" or (
            shape(f.type).kind == "optional" and f.default is not None and not isinstance(
                f.default, str | int | float | bool)):
        return "see below"
    return f"`{json.dumps(f.default, ensure_ascii=False)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _instances(policies: Sequence[Any]) -> dict[type, list[Any]]:
    """Every schema object in the given policies, by class, in file order."""
    found: dict[type, list[Any]] = {}

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value):
            found.setdefault(_schema_class(type(value)), []).append(value)
            for f in spec_fields(type(value)):
                walk(getattr(value, f.name))
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    for p in policies:
        walk(p)
    return found


def _schema_class(cls: type) -> type:
    return schema.PolicySpec if issubclass(cls, schema.PolicySpec) else cls


def _example(f: Any, instances: list[Any]) -> str:
    """`key: value` from the first policy that sets the field, as one line of YAML."""
    if f.example and "\n" not in f.example:
        return f.example
    s = shape(f.type)
    inner = shape(s.args[0]) if s.kind in ("optional", "list") else s
    if inner.kind in ("dataclass", "dict"):
        return ""  # the section below has its own examples
    for obj in instances:
        value = getattr(obj, f.name)
        if value not in (None, "", [], {}) and value != f.default:
            text = yaml.safe_dump({f.name: _plain(value, f.type)}, default_flow_style=True,
                                  allow_unicode=True, width=10_000).strip()[1:-1]
            return text if len(text) <= 70 else text[:69] + "…"
    return ""


def render_reference(policies: Sequence[Any] = ()) -> str:
    """Markdown: one table of keys (type, default, meaning, example) per section; examples are
    taken from `policies` (the example policies) where the schema gives none."""
    instances = _instances(policies)
    parts = []
    for path, cls in _sections():
        title = f"`{path}`" if path else "Top level"
        doc = " ".join((inspect.getdoc(cls) or "").split())
        rows = ["| Key | Type | Default | Meaning | Example |", "| --- | --- | --- | --- | --- |"]
        for f in spec_fields(cls):
            example = _example(f, instances.get(cls, []))
            example = f"`{_cell(example)}`" if example else ""
            minimum = f" (at least {f.min})" if f.min is not None else ""
            rows.append(f"| `{f.name}` | {_cell(describe_type(f.type))}{minimum} | {_default(f)} "
                        f"| {_cell(f.doc)} | {example} |")
        parts.append(f"### {title}\n\n{doc}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def splice(document: str, policies: Sequence[Any] = ()) -> str:
    """`document` with the text between the markers replaced by the current tables."""
    head, rest = document.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n\n{render_reference(policies)}\n{END}{tail}"


def example_policies(folder: str | Path = "examples/policies") -> list[Any]:
    """The example policies, in name order (the source of the Example column)."""
    from . import load_policy

    return [load_policy(p) for p in sorted(Path(folder).glob("*.yaml"))]


def main(argv: list[str] | None = None) -> int:
    """Print the tables, or rewrite them in the document named (run from the repository root)."""
    args = sys.argv[1:] if argv is None else argv
    policies = example_policies()
    if not args:
        sys.stdout.write(render_reference(policies))
        return 0
    path = Path(args[0])
    path.write_text(splice(path.read_text(encoding="utf-8"), policies), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
