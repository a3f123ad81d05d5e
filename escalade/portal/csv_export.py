"""CSV downloads that a spreadsheet cannot turn into formulas (OWASP, CSV Injection): a text cell
that begins with =, +, -, @, a tab or a carriage return gets a leading apostrophe, which
spreadsheets show as text. Plain numbers (`-12.50`) are left as they are."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_rows(out, rows: Iterable[Iterable[object]]) -> None:
    """Write `rows` to the file-like `out` (an HttpResponse) as CSV, every cell neutralised."""
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
