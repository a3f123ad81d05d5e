"""YAML text → schema objects, with every problem located at file:line:column.

`yaml.compose` (safe) gives nodes that carry their position, so the loader walks nodes rather
than plain Python values. It follows the schema dataclasses field by field, rejects unknown keys
(naming the allowed ones and the likely intended one), duplicate keys and wrong types, checks
scalar grammars (durations, intervals, dates, time zones, keys), and keeps going after an error
so that one run reports every problem. Where each value and key sat is kept in `Locations` for
the cross-reference checks in `validate.py`.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import schema
from .errors import PolicyError
from .introspect import describe_type, key_field, noun, shape, spec_fields
from .scalars import SCALAR_CHECKS

Path = tuple[Any, ...]

_TAG = "tag:yaml.org,2002:"
_BROKEN = object()  # a value that could not be loaded (its error is already recorded)
EXTENSION_PREFIX = "x-"  # keys starting with this are ignored (a home for YAML anchors)
MAX_VALUES = 20_000  # values after alias expansion; the example policies have 150–600


class _TooLarge(Exception):
    def __init__(self, node: Node):
        self.node = node
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Locations:
    """Where things are in the file: 1-based (line, column) per path of keys and indexes."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    broken: set[Path] = field(default_factory=set)  # paths where loading reported an error

    def broken_within(self, path: Path) -> bool:
        """Whether loading already reported a problem at or below `path`."""
        n = len(path)
        return any(p[:n] == tuple(path) for p in self.broken)

    def at(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of the value (or, with key=True, of its key) at path, else its nearest parent."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def error(self, path: Path, message: str, *, key: bool = False) -> PolicyError:
        line, column = self.at(path, key=key)
        return PolicyError(self.file, line, column, message)


def _pos(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def compose(text: str, filename: str) -> tuple[Node | None, list[PolicyError]]:
    """Parse YAML into one node tree; syntax errors come back located."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "cannot parse"
        ctx = exc.context_mark
        if exc.context and ctx and exc.problem and (ctx.line, ctx.column) != (line - 1, col - 1):
            what += f" ({exc.context} that starts at line {ctx.line + 1}, column {ctx.column + 1})"
        return None, [PolicyError(filename, line, col, f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # unmarked reader errors (e.g. control characters)
        return None, [PolicyError(filename, 1, 1, f"YAML error: {exc}")]
    if node is None:
        return None, [PolicyError(filename, 1, 1, "the policy file is empty")]
    return node, []


def _node_name(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _TAG + "null":
        return "nothing (null)"
    if node.tag == _TAG + "bool":
        return f"true/false ({node.value})"
    if node.tag in (_TAG + "int", _TAG + "float"):
        return f"the number {node.value}"
    return f"text {node.value!r}"


def _article(what: str) -> str:
    if what == "text" or what.startswith(("true", "one of")):
        return what
    return ("an " if what[:1] in "aeiou" else "a ") + what


class Builder:
    """Walks a node tree along the schema types, collecting errors instead of raising."""

    def __init__(self, filename: str):
        self.locs = Locations(filename)
        self.errors: list[PolicyError] = []
        self.where: Path = ()  # path of the value being built, for Locations.broken
        self.visited = 0

    def fail(self, node: Node, message: str) -> object:
        line, col = _pos(node)
        self.errors.append(PolicyError(self.locs.file, line, col, message))
        self.locs.broken.add(self.where)
        return _BROKEN

    def build(self, node: Node, tp: Any, path: Path) -> Any:
        """The value of `node` as type `tp`, or _BROKEN after recording why not."""
        self.visited += 1
        if self.visited > MAX_VALUES:  # aliases of aliases can expand exponentially
            raise _TooLarge(node)
        self.locs.values.setdefault(path, _pos(node))
        outer, self.where = self.where, path
        try:
            return self._build(node, tp, path)
        finally:
            self.where = outer

    def _build(self, node: Node, tp: Any, path: Path) -> Any:
        s = shape(tp)
        if s.kind == "optional":
            if isinstance(node, ScalarNode) and node.tag == _TAG + "null":
                return None
            return self.build(node, s.args[0], path)
        if s.kind == "dataclass":
            return self.dataclass(node, s.args[0], path)
        if s.kind == "list":
            if not isinstance(node, SequenceNode):
                return self.fail(node, f"expected {_article(describe_type(tp))}, "
                                       f"got {_node_name(node)}")
            return [self.item(child, s.args[0], path + (i,))
                    for i, child in enumerate(node.value)]
        if s.kind == "dict":
            return self.mapping(node, s.args[0], s.args[1], path)
        if s.kind == "literal":
            return self.literal(node, s.args)
        return self.scalar(node, s.args[0], s.newtype)

    def item(self, node: Node, tp: Any, path: Path) -> Any:
        value = self.build(node, tp, path)
        return None if value is _BROKEN else value

    def pairs(self, node: MappingNode) -> list[tuple[ScalarNode, Node]]:
        """Key/value node pairs, with YAML merge keys (`<<: *base`) applied; duplicates flagged."""
        merged: list[tuple[ScalarNode, Node]] = []
        own: list[tuple[ScalarNode, Node]] = []
        seen: dict[str, Node] = {}
        for k, v in node.value:
            if k.tag == _TAG + "merge":
                sources = v.value if isinstance(v, SequenceNode) else [v]
                for src in sources:
                    if isinstance(src, MappingNode):
                        merged.extend(p for p in self.pairs(src)
                                      if p[0].value not in {m[0].value for m in merged})
                    else:
                        self.fail(src, f"'<<' merges a mapping, got {_node_name(src)}")
                continue
            if not isinstance(k, ScalarNode):
                self.fail(k, "a key must be plain text, not " + _node_name(k))
                continue
            if k.value in seen:
                line, _ = _pos(seen[k.value])
                self.fail(k, f"duplicate key {k.value!r} (first given on line {line})")
                continue
            seen[k.value] = k
            own.append((k, v))
        return [p for p in merged if p[0].value not in seen] + own

    def mapping(self, node: Node, ktype: Any, vtype: Any, path: Path) -> Any:
        if not isinstance(node, MappingNode):
            what = describe_type(dict[ktype, vtype])
            return self.fail(node, f"expected {_article(what)}, got {_node_name(node)}")
        out: dict[str, Any] = {}
        for k, v in self.pairs(node):
            self.locs.keys[path + (k.value,)] = _pos(k)
            ks = shape(ktype)
            key = self.literal(k, ks.args) if ks.kind == "literal" else self.scalar(k, str, ks.newtype)
            if key is _BROKEN:
                key = k.value  # reported; keep the entry so its contents are still checked
            value = self.item(v, vtype, path + (k.value,))
            kf = key_field(type(value)) if dataclasses.is_dataclass(value) else None
            if kf:
                setattr(value, kf, key)
            out[key] = value
        return out

    def dataclass(self, node: Node, cls: type, path: Path) -> Any:
        short = schema.SHORTHAND.get(cls)
        if short and isinstance(node, ScalarNode) and node.tag != _TAG + "null":
            value = self.scalar(node, str, None)
            return _BROKEN if value is _BROKEN else cls(**{short: value})
        if not isinstance(node, MappingNode):
            keys = ", ".join(f.name for f in spec_fields(cls)[:3])
            what = f"{_article(noun(cls))} (a mapping with keys such as {keys})"
            return self.fail(node, f"expected {what}, got {_node_name(node)}")
        fields = {f.name: f for f in spec_fields(cls)}
        given: dict[str, Any] = {}
        for k, v in self.pairs(node):
            name = k.value
            if name.startswith(EXTENSION_PREFIX):
                continue  # free-form extension, e.g. `x-shared: &anchor …` for YAML anchors
            self.locs.keys[path + (name,)] = _pos(k)
            if name not in fields:
                self.fail(k, _unknown_key(name, list(fields)) + _comma_hint(node, v))
                continue
            value = self.build(v, fields[name].type, path + (name,))
            given[name] = None if value is _BROKEN else value
            if value is not _BROKEN:
                self.check_min(v, fields[name], value)
        missing = [n for n, f in fields.items() if f.required and n not in given]
        owner = f"{noun(cls)} '{path[-1]}' is " if key_field(cls) and path else ""
        for name in missing:
            about = fields[name].doc.rstrip(".")
            self.fail(node, f"{owner}missing required key '{name}' ({about[:1].lower()}{about[1:]})")
        broken = [n for n, f in fields.items() if f.required and given.get(n) is None]
        return cls(**given) if not broken else _partial(cls, given)

    def check_min(self, node: Node, info: Any, value: Any) -> None:
        if info.min is None or value is None:
            return
        if isinstance(value, int | float) and not isinstance(value, bool) and value < info.min:
            self.fail(node, f"'{info.name}' must be at least {info.min}, got {value}")
        elif isinstance(value, list | dict) and len(value) < info.min:
            self.fail(node, f"'{info.name}' needs at least {info.min} entr"
                            f"{'y' if info.min == 1 else 'ies'}")

    def literal(self, node: Node, allowed: tuple[str, ...]) -> Any:
        if not isinstance(node, ScalarNode) or node.value not in allowed:
            got = _node_name(node)
            hint = _suggest(node.value, allowed) if isinstance(node, ScalarNode) else ""
            return self.fail(node, f"expected one of {', '.join(allowed)}, got {got}{hint}")
        return node.value

    def scalar(self, node: Node, base: type, newtype: Any) -> Any:
        if not isinstance(node, ScalarNode) or node.tag == _TAG + "null":
            what = describe_type(newtype) if newtype is not None else describe_type(base)
            return self.fail(node, f"expected {_article(what)}, got {_node_name(node)}")
        try:
            if base is bool:
                if node.tag != _TAG + "bool":
                    raise ValueError
                return _constructor.construct_yaml_bool(node)
            if base is int:
                if node.tag != _TAG + "int":
                    raise ValueError
                return _constructor.construct_yaml_int(node)
            if base is float:
                if node.tag not in (_TAG + "int", _TAG + "float"):
                    raise ValueError
                return float(_constructor.construct_yaml_float(node))
        except ValueError:
            return self.fail(node, f"expected {_article(describe_type(base))}, "
                                   f"got {_node_name(node)}")
        text = node.value  # the text as written: `18:00` stays "18:00", not YAML 1.1's 1080
        check = SCALAR_CHECKS.get(newtype)
        problem = check(text) if check else None
        if problem:
            return self.fail(node, problem)
        return text


def _partial(cls: type, given: dict[str, Any]) -> Any:
    """An object whose broken required fields are None, so later checks can still run."""
    values = {f.name: given.get(f.name) for f in spec_fields(cls) if f.required}
    values.update(given)
    return cls(**values)


def _comma_hint(mapping: MappingNode, value: Node) -> str:
    """Inside `{ … }` a comma ends the entry: `{note: High priority, not emergency}` makes a key
    `not emergency`. Say so when an unknown key has no value in a flow mapping."""
    if mapping.flow_style and isinstance(value, ScalarNode) and value.tag == _TAG + "null":
        return ('. Inside { } a comma separates entries: put text that contains a comma in '
                'quotes, e.g. first_response: "1 hour, 24x7"')
    return ""


def _suggest(word: str, allowed: Any) -> str:
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    if not close:
        close = [a for a in allowed if a.lower() == word.lower()]
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown_key(name: str, allowed: list[str]) -> str:
    hint = _suggest(name, allowed)
    if not hint and name.lower() in WEEKDAY_NAMES:
        hint = f"; did you mean '{WEEKDAY_NAMES[name.lower()]}'?"
    return f"unknown key '{name}'{hint or '.'} Allowed here: {', '.join(allowed)}"


WEEKDAY_NAMES = {full: short for short, full in zip(
    schema.WEEKDAYS,
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), strict=True)}


def load_spec(text: str, filename: str = "<string>", root: type = schema.PolicySpec,
              ) -> tuple[Any, Locations, list[PolicyError]]:
    """Load YAML text into `root` (a schema dataclass). Returns (object or None, locations,
    errors); the object may have None in place of broken values when errors is not empty."""
    node, errors = compose(text, filename)
    builder = Builder(filename)
    if node is None:
        return None, builder.locs, errors
    try:
        value = builder.build(node, root, ())
    except _TooLarge as exc:
        line, col = _pos(exc.node)
        message = (f"the file expands to more than {MAX_VALUES} values through YAML aliases; "
                   "use fewer nested aliases")
        return None, builder.locs, [*builder.errors, PolicyError(filename, line, col, message)]
    return (None if value is _BROKEN else value), builder.locs, builder.errors

