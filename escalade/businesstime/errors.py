"""The one error this package raises about a calendar definition.

A `CalendarError` says which part of the calendar is wrong (`field`, written as a path into the
dictionary given to `Calendar.from_dict`, e.g. ``tz``, ``week.mon[1]`` or ``holidays[3]``) and
why, in words a support manager understands (`message`). It is a `ValueError`, so code that
only cares that the input was bad can catch that.
"""

from __future__ import annotations


class CalendarError(ValueError):
    """A business-hours calendar that cannot be used as written.

    Attributes:
        message: what is wrong and how to fix it, for a person.
        field: where in the definition, e.g. ``week.mon[1]``; ``None`` when it is the whole thing.
        code: a stable machine-readable code for API responses.
    """

    code = "invalid_calendar"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def __repr__(self) -> str:
        return f"CalendarError({self.message!r}, field={self.field!r})"
