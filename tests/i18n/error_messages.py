"""Find domain errors raised with a message that is not marked for translation (issue #17).

A domain error (escalade.errors.DomainError and every class of Escalade derived from it) carries a
message a person reads on a form, a page or in an API error body, so its first argument must be
`_("…")` / `gettext("…")`, optionally followed by `% {…}` for named placeholders. Passing on the
message of another domain error (`exc.message`) is fine: that one was marked where it was raised.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

BASE = "DomainError"
GETTEXT = frozenset({"_", "gettext", "pgettext", "ngettext", "npgettext"})


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def domain_errors(sources: Iterable[str]) -> frozenset[str]:
    """The names of DomainError and of every class defined in `sources` that derives from it."""
    classes: dict[str, set[str]] = {}
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, set()).update(filter(None, map(_name, node.bases)))
    found = {BASE}
    grew = True
    while grew:
        more = {name for name, bases in classes.items() if bases & found} - found
        found |= more
        grew = bool(more)
    return frozenset(found)


def _marked(arg: ast.expr) -> bool:
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, ast.Mod):
        arg = arg.left
    if isinstance(arg, ast.Call):
        return _name(arg.func) in GETTEXT
    # Passing on another domain error's message, already in the reader's language.
    return isinstance(arg, ast.Attribute) and arg.attr == "message"


def _imported_elsewhere(tree: ast.Module, errors: frozenset[str]) -> set[str]:
    """Names of domain errors that this module takes from outside Escalade (Django's PermissionDenied)."""
    return {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and not (node.module or "").startswith("escalade") and node.level == 0
            for alias in node.names if (alias.asname or alias.name) in errors}


def unmarked(source: str, errors: frozenset[str], *, filename: str = "<source>") -> list[str]:
    """`filename:line: source of the message` for each domain error built with an unmarked message."""
    tree = ast.parse(source)
    foreign = _imported_elsewhere(tree, errors)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = _name(func)
        if name not in errors or name in foreign:
            continue
        message = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "message"), None)
        if message is None or not _marked(message):
            shown = ast.unparse(message) if message is not None else "(no message)"
            found.append(f"{filename}:{node.lineno}: {shown[:100]}")
    return found


def unmarked_in(root: Path, skipped: Iterable[str]) -> list[str]:
    """Every unmarked domain error message in the modules under `root` (the `escalade` folder),
    except those in the `skipped` subpackages."""
    files = sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)
    sources = {p: p.read_text() for p in files}
    errors = domain_errors(sources.values())
    skipped = set(skipped)
    found = []
    for path, source in sources.items():
        relative = path.relative_to(root)
        if relative.parts[0] in skipped:
            continue
        found += unmarked(source, errors, filename=str(Path(root.name) / relative))
    return found
