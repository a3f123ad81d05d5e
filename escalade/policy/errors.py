"""Errors about a policy file, each located at file:line:column (1-based)."""

from __future__ import annotations

from dataclasses import dataclass

from escalade.errors import DomainError


@dataclass(frozen=True, order=True)
class PolicyError:
    """One problem in a policy file. `str()` is ``file:line:col: message``."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PolicyInvalid(DomainError):
    """The policy file cannot be used; `errors` lists every problem found, in file order."""

    code = "policy_invalid"

    def __init__(self, errors: list[PolicyError]):
        self.errors = sorted(set(errors), key=lambda e: (e.file, e.line, e.column, e.message))
        first = str(self.errors[0]) if self.errors else "invalid policy"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first + more)


class NotInPolicy(LookupError):
    """A lookup by key or name (priority, plan, category …) that the policy does not define.
    `noun`, `wanted` and `known` (the keys it does define) let a page say so in its reader's language."""

    def __init__(self, message: str, *, noun: str = "", wanted: str = "", known: tuple[str, ...] = ()):
        super().__init__(message)
        self.noun = noun
        self.wanted = wanted
        self.known = known
