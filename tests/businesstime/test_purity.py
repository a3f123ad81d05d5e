"""escalade.businesstime is pure Python: no module of it imports Django, directly or not."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import escalade.businesstime

PACKAGE = Path(escalade.businesstime.__file__).parent
ALLOWED_ROOTS = {"__future__", "holidays", "zoneinfo"} | set(sys.stdlib_module_names)


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def test_no_module_imports_anything_but_stdlib_zoneinfo_and_holidays():
    modules = sorted(PACKAGE.glob("*.py"))
    assert modules
    for path in modules:
        for name in _imports(path):
            assert name.split(".")[0] in ALLOWED_ROOTS, f"{path.name} imports {name}"


def test_importing_and_using_the_package_loads_no_django():
    code = (
        "import sys, datetime as dt\n"
        "from escalade.businesstime import Calendar\n"
        "cal = Calendar.from_dict({'tz': 'Europe/London', 'week': {'mon': [['09:00', '17:00']]},"
        " 'holiday_country': 'GB'})\n"
        "cal.add(dt.datetime(2026, 6, 8, tzinfo=dt.UTC), 60); cal.explain()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja', 'django_tasks'))\n"
        "assert not bad, bad\n"
    )
    root = PACKAGE.parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
