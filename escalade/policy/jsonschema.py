"""JSON Schema (draft 2020-12) of the policy file, generated from the schema dataclasses.

Editors use it for completion and inline checks (e.g. a `# yaml-language-server: $schema=`
comment). It checks shape, types and the grammars of durations, intervals, dates and keys; the
cross-references (unknown priority in targets …) are only checked by `escalade.policy`.

    python -m escalade.policy.jsonschema > policy.schema.json
"""

from __future__ import annotations

import inspect
import json
import sys
from typing import Any

from . import schema
from .introspect import shape, spec_fields

_N = r"\d+(\.\d+)?\s*"
_SMALL = r"(minutes?|mins?|hours?|hrs?)"
_CLOCK = r"\s*,?\s*(24\s*[x×/]\s*(7|365)|around\s+the\s+clock|wall[\s-]clock)"
_BUSINESS = r"(business|working)\s+"

PATTERNS: dict[Any, str] = {
    schema.Key: r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$",
    schema.Duration: (rf"^\s*{_N}({_BUSINESS}{_SMALL}|{_SMALL}({_CLOCK})?|{_BUSINESS}days?"
                      rf"|days?{_CLOCK})\s*$"),
    schema.Interval: r"^\s*\d{1,2}:\d{2}\s*[-–]\s*\d{1,2}:\d{2}\s*$",
    schema.DateText: r"^\d{4}-\d{2}-\d{2}$",
}
for _ref in schema.REFERENCES:
    PATTERNS[_ref] = PATTERNS[schema.Key]


def _case_insensitive(pattern: str) -> str:
    """JSON Schema patterns take no flags: spell each letter outside escapes as `[xX]`."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        out.append(f"[{ch.lower()}{ch.upper()}]" if ch.isascii() and ch.isalpha() and not in_class
                   else ch)
        i += 1
    return "".join(out)


PATTERNS[schema.Duration] = _case_insensitive(PATTERNS[schema.Duration])


def _describe(cls: type) -> str:
    return " ".join((inspect.getdoc(cls) or "").split("\n\n")[0].split())


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    s = shape(tp)
    if s.kind == "optional":
        return {"anyOf": [_type_schema(s.args[0], defs), {"type": "null"}]}
    if s.kind == "list":
        return {"type": "array", "items": _type_schema(s.args[0], defs)}
    if s.kind == "dict":
        key = _type_schema(s.args[0], defs)
        return {"type": "object", "propertyNames": key,
                "additionalProperties": _type_schema(s.args[1], defs)}
    if s.kind == "literal":
        return {"enum": list(s.args)}
    if s.kind == "dataclass":
        _define(s.args[0], defs)
        return {"$ref": f"#/$defs/{s.args[0].__name__}"}
    base = s.args[0]
    out: dict[str, Any] = {"type": {str: "string", int: "integer", float: "number",
                                    bool: "boolean"}[base]}
    if s.newtype in PATTERNS:
        out["pattern"] = PATTERNS[s.newtype]
    return out


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    from .runtime import _plain

    props: dict[str, Any] = {}
    for f in spec_fields(cls):
        prop = _type_schema(f.type, defs)
        if f.min is not None:
            kind = shape(f.type).kind
            prop[{"list": "minItems", "dict": "minProperties"}.get(kind, "minimum")] = f.min
        prop = {"description": f.doc, **prop}
        if not f.required:
            prop["default"] = _plain(f.default, f.type)
        props[f.name] = prop
    out: dict[str, Any] = {"type": "object", "description": _describe(cls), "properties": props,
                           "patternProperties": {"^x-": {}}, "additionalProperties": False}
    required = [f.name for f in spec_fields(cls) if f.required]
    if required:
        out["required"] = required
    return out


def _define(cls: type, defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # placeholder against recursion
    obj = _object_schema(cls, defs)
    if cls in schema.SHORTHAND:
        obj = {"description": obj["description"], "anyOf": [{"type": "string"}, obj]}
    defs[cls.__name__] = obj


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of a policy file, as a JSON-serialisable dict."""
    defs: dict[str, Any] = {}
    root = _object_schema(schema.PolicySpec, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://escalade.example.com/schemas/policy-v1.json",
        "title": "Escalade Support & Escalation policy",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def main() -> int:
    sys.stdout.write(json.dumps(policy_json_schema(), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
