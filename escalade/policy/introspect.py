"""Reading the schema dataclasses: their fields, and what shape each field's type has.

Loader, validator, JSON Schema and reference doc all walk the schema through these two
functions, so they agree on what the format is.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import MISSING
from typing import Any, Literal, NamedTuple


class FieldInfo(NamedTuple):
    name: str
    type: Any
    doc: str
    required: bool
    default: Any  # MISSING when required; for factories, the value the factory makes
    example: str | None
    min: int | None


class Shape(NamedTuple):
    """What a type is: kind is one of optional, list, dict, literal, dataclass, scalar."""
    kind: str
    args: tuple[Any, ...] = ()
    newtype: Any = None  # for scalars: the NewType (Duration, PlanKey …) or None


@functools.cache
def spec_fields(cls: type) -> tuple[FieldInfo, ...]:
    """The fields of a schema dataclass that are written in the file (not the filled-in key)."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("key"):
            continue
        required = f.default is MISSING and f.default_factory is MISSING
        if f.default_factory is not MISSING:
            default = f.default_factory()
        else:
            default = f.default
        out.append(FieldInfo(f.name, hints[f.name], f.metadata.get("doc", ""), required, default,
                             f.metadata.get("example"), f.metadata.get("min")))
    return tuple(out)


def key_field(cls: type) -> str | None:
    """Name of the field filled from the mapping key, if the dataclass has one."""
    for f in dataclasses.fields(cls):
        if f.metadata.get("key"):
            return f.name
    return None


def shape(tp: Any) -> Shape:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
        return Shape("optional", (inner,))
    if origin is list:
        return Shape("list", typing.get_args(tp))
    if origin is dict:
        return Shape("dict", typing.get_args(tp))
    if origin is Literal:
        return Shape("literal", typing.get_args(tp))
    if dataclasses.is_dataclass(tp):
        return Shape("dataclass", (tp,))
    if isinstance(tp, typing.NewType):
        return Shape("scalar", (tp.__supertype__,), tp)
    if tp in (str, int, float, bool):
        return Shape("scalar", (tp,))
    raise TypeError(f"schema type {tp!r} is not supported")


def describe_type(tp: Any) -> str:
    """A short, human name for a type, as used in 'expected …' messages and the reference."""
    s = shape(tp)
    if s.kind == "optional":
        return describe_type(s.args[0])
    if s.kind == "list":
        return f"list of {describe_type(s.args[0])}"
    if s.kind == "dict":
        return f"mapping of {describe_type(s.args[0])} → {describe_type(s.args[1])}"
    if s.kind == "literal":
        return "one of " + ", ".join(str(a) for a in s.args)
    if s.kind == "dataclass":
        return noun(s.args[0])
    if s.newtype is not None:
        return NEWTYPE_NAMES.get(s.newtype.__name__, s.newtype.__name__)
    return {str: "text", int: "whole number", float: "number", bool: "true or false"}[s.args[0]]


NEWTYPE_NAMES = {
    "Key": "key", "Duration": "duration", "Interval": "interval", "TimeZoneName": "time zone",
    "DateText": "date", "CalendarKey": "calendar key", "PlanKey": "plan key",
    "PriorityKey": "priority key", "CategoryKey": "category key", "LevelKey": "level key",
    "TeamKey": "team key", "RoleKey": "role key", "ContactKey": "contact key",
    "ChannelKey": "channel key",
}


_NOUNS = {
    "PolicySpec": "policy", "Policy": "policy", "CalendarSpec": "calendar",
    "Week": "week of opening hours", "TargetSpec": "set of targets",
    "CategoryTargets": "set of targets", "MatrixLevel": "answer", "MatrixDimension": "question",
    "PriorityMatrix": "priority matrix", "PriorityChange": "priority change setting",
    "CustomField": "custom field",
}


def noun(cls: type) -> str:
    """What a schema dataclass is called in messages, e.g. CalendarSpec → "calendar"."""
    return _NOUNS.get(cls.__name__, cls.__name__.lower())
