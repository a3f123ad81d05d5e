"""Benchmark: escalade.businesstime against businesstimedelta and pandas' CustomBusinessHour.

    .venv/bin/pip install -e '.[bench]'      # businesstimedelta, pandas (bench only)
    .venv/bin/python bench/businesstime.py   # prints a markdown table, updates docs/benchmarks.md

The calendar is 8x5 (Monday-Friday 09:00-17:00) in Europe/London with the GB public holidays.
Cases (seeded) are minute-aligned UTC instants spread over 2026-2027:

* add: a start and a duration of 0-2,400 business minutes (up to five 8-hour days), as SLA
  targets are;
* between: two instants 0-14 calendar days apart, as a ticket's open time is.

Every library answers every case; the results are compared with ours and the disagreements
counted. pandas' CustomBusinessHour moves only in whole business hours, so its add column uses
each case's duration rounded down to whole hours (and is compared with ours on the same input);
pandas has no business-time difference, so its between is n/a. Our ops/second is the median of
three passes over the cases, made before, between and after the other libraries' runs; the
other libraries, being slow, make one pass each (10-30 minutes in all on a small machine).

Our results are also checked against the brute-force reference of the test suite
(tests/businesstime/reference.py) on a sample; any disagreement there fails the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from escalade.businesstime import Calendar  # noqa: E402

UTC = dt.UTC
TZ = "Europe/London"
DEFINITION = {
    "tz": TZ,
    "week": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
    "holiday_country": "GB",
}
SUBDIVISION: str | None = None  # --subdivision, e.g. ENG for England's bank holidays
FIRST = dt.datetime(2026, 1, 1, tzinfo=UTC)
LAST = dt.datetime(2027, 12, 15, tzinfo=UTC)
MAX_ADD_MINUTES = 5 * 8 * 60
MAX_SPAN_MINUTES = 14 * 24 * 60
SECTION = "## Business time (bench/businesstime.py)"


def make_cases(count: int, seed: int) -> tuple[list[tuple[dt.datetime, int]], list[tuple[dt.datetime, dt.datetime]]]:
    rng = random.Random(seed)
    span = int((LAST - FIRST).total_seconds() // 60)
    adds = [(FIRST + dt.timedelta(minutes=rng.randrange(span)), rng.randint(0, MAX_ADD_MINUTES)) for _ in range(count)]
    betweens = []
    for _ in range(count):
        a = FIRST + dt.timedelta(minutes=rng.randrange(span))
        betweens.append((a, a + dt.timedelta(minutes=rng.randint(0, MAX_SPAN_MINUTES))))
    return adds, betweens


def timed(run: Callable[[], list]) -> tuple[list, float]:
    """(results, seconds) of one pass."""
    start = time.perf_counter()
    results = run()
    return results, time.perf_counter() - start


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the libraries ------------------------------------------------------------------------------


def ours(cal: Calendar, adds, betweens, runs: dict | None = None) -> dict:
    """One timed pass of ours over all cases, accumulated into `runs` (results and pass times).
    main() makes three passes spread between the other libraries' runs, so that a change in
    the machine's load affects every library alike, and reports the median."""
    add, between = cal.add, cal.between
    runs = runs or {"add_times": [], "between_times": []}
    runs["add"], seconds = timed(lambda: [add(s, m) for s, m in adds])
    runs["add_times"].append(seconds)
    runs["between"], seconds = timed(lambda: [between(a, b) for a, b in betweens])
    runs["between_times"].append(seconds)
    runs["add_ops"] = len(adds) / statistics.median(runs["add_times"])
    runs["between_ops"] = len(betweens) / statistics.median(runs["between_times"])
    return runs


def businesstimedelta_run(adds, betweens) -> dict:
    import businesstimedelta as btd
    import holidays
    import pytz

    tz = pytz.timezone(TZ)
    workday = btd.WorkDayRule(start_time=dt.time(9), end_time=dt.time(17), working_days=[0, 1, 2, 3, 4], tz=tz)
    rules = btd.Rules([workday, btd.HolidayRule(holidays.country_holidays("GB", subdiv=SUBDIVISION), tz=tz)])

    def add_all():
        out = []
        for s, m in adds:
            try:
                out.append(s + btd.BusinessTimeDelta(rules, seconds=m * 60))
            except Exception as error:  # noqa: BLE001 - a failure is a disagreement, reported below
                out.append(error)
        return out

    def between_all():
        out = []
        for a, b in betweens:
            try:
                out.append(rules.difference(a, b).timedelta.total_seconds() / 60)
            except Exception as error:  # noqa: BLE001
                out.append(error)
        return out

    progress(f"businesstimedelta: {len(adds):,} adds ...")
    add_results, add_seconds = timed(add_all)
    progress(f"businesstimedelta: {len(betweens):,} betweens ...")
    between_results, between_seconds = timed(between_all)
    return {
        "add": add_results,
        "between": between_results,
        "add_ops": len(adds) / add_seconds,
        "between_ops": len(betweens) / between_seconds,
    }


def pandas_run(adds) -> dict:
    import holidays
    import pandas as pd

    gb = sorted(holidays.country_holidays("GB", subdiv=SUBDIVISION, years=range(2026, 2029)))
    hour = pd.offsets.CustomBusinessHour(start="09:00", end="17:00", holidays=gb)

    def add_all():
        out = []
        for s, m in adds:
            try:
                out.append((pd.Timestamp(s).tz_convert(TZ) + hour * (m // 60)).to_pydatetime())
            except Exception as error:  # noqa: BLE001
                out.append(error)
        return out

    progress(f"pandas: {len(adds):,} adds ...")
    add_results, add_seconds = timed(add_all)
    return {"add": add_results, "add_ops": len(adds) / add_seconds}


# -- comparing ----------------------------------------------------------------------------------


def disagreements(cases, theirs, mine, same, closing_time=None) -> tuple[int, list[str]]:
    """(count, notes): how many results differ from ours, with the first few examples. With
    `closing_time` (a Calendar), an add result that is the next opening after our due time,
    which is a closing time, is counted apart: a different convention, not a different
    instant of business time."""
    count, convention, examples = 0, 0, []
    for case, their, my in zip(cases, theirs, mine, strict=True):
        if not isinstance(their, Exception) and same(their, my):
            continue
        count += 1
        if (
            closing_time is not None
            and not isinstance(their, Exception)
            and not closing_time.is_open(my)
            and closing_time.next_open(my) == their
        ):
            convention += 1
        if len(examples) < 3:
            shown = f"raised {their!r}" if isinstance(their, Exception) else f"{their}"
            examples.append(f"`{case[0].isoformat()}`, {_show(case[1])}: theirs `{shown}`, ours `{my}`")
    if closing_time is not None and count:
        examples.insert(0, f"{convention:,} of these are the next opening where ours is the closing time it lands on")
    return count, examples


def _show(value) -> str:
    return f"`{value.isoformat()}`" if isinstance(value, dt.datetime) else f"{value} min"


def reference_check(adds, betweens, sample: int) -> tuple[int, list[str]]:
    """Our results against the brute-force reference on the first `sample` cases of each kind."""
    from tests.businesstime.reference import Reference, to_minute

    cal = Calendar.from_dict(DEFINITION)
    first = to_minute(FIRST) - 3 * 1440
    last = to_minute(LAST) + 60 * 1440
    progress("reference: laying out the minutes of 2026-2027 ...")
    reference = Reference(DEFINITION, first, last)
    progress(f"reference: checking {sample:,} adds and {sample:,} betweens minute by minute ...")
    bad = []
    for start, minutes in adds[:sample]:
        expected = reference.add(to_minute(start), minutes)
        if expected is None or to_minute(cal.add(start, minutes)) != expected:
            bad.append(f"add({start.isoformat()}, {minutes})")
    for a, b in betweens[:sample]:
        if cal.between(a, b) != reference.between(to_minute(a), to_minute(b)):
            bad.append(f"between({a.isoformat()}, {b.isoformat()})")
    return len(bad), bad[:5]


# -- reporting ----------------------------------------------------------------------------------


def machine() -> str:
    try:
        cpus = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cpus = str(os.cpu_count())
    model = "unknown CPU"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        model = found[1].strip() if found else model
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return (
        f"{model}, {cpus} CPUs (nproc), load average {load} at start; "
        f"Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()}"
    )


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("businesstimedelta", "pandas", "holidays"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def report(count, mine, btd, pd_, btd_diff, pd_diff, ref, sample, load_machine) -> str:
    def ops(x):
        return f"{x:,.0f}"

    lines = [
        "| operation | escalade.businesstime | businesstimedelta | pandas CustomBusinessHour "
        "| ours / businesstimedelta |",
        "|---|---:|---:|---:|---:|",
        f"| add | {ops(mine['add_ops'])} ops/s | {ops(btd['add_ops'])} ops/s | "
        f"{ops(pd_['add_ops'])} ops/s (whole hours) | {mine['add_ops'] / btd['add_ops']:,.0f}x |",
        f"| between | {ops(mine['between_ops'])} ops/s | {ops(btd['between_ops'])} ops/s | n/a | "
        f"{mine['between_ops'] / btd['between_ops']:,.0f}x |",
        "",
        f"Cases: {count:,} add and {count:,} between, seeded, minute-aligned UTC instants in 2026-2027; "
        f"add durations 0-{MAX_ADD_MINUTES:,} business minutes, between spans 0-14 days. "
        f"Calendar: {Calendar.from_dict(DEFINITION).explain()}.",
        "",
        "Disagreements with our results:",
        "",
        f"- businesstimedelta add: {btd_diff['add'][0]:,} of {count:,}",
        *[f"  - {e}" for e in btd_diff["add"][1]],
        f"- businesstimedelta between: {btd_diff['between'][0]:,} of {count:,}",
        *[f"  - {e}" for e in btd_diff["between"][1]],
        f"- pandas add (whole hours): {pd_diff[0]:,} of {count:,}",
        *[f"  - {e}" for e in pd_diff[1]],
        "",
        f"Brute-force reference (minute by minute), first {sample:,} add and {sample:,} between cases: "
        f"{ref[0]} disagreements with ours.",
        *[f"  - {e}" for e in ref[1]],
        "",
        f"Machine: {load_machine}. Libraries: {versions()}.",
        "Ours: median of 3 passes spread over the run; the others: one pass each.",
    ]
    return "\n".join(lines)


def write_docs(body: str) -> Path:
    path = ROOT / "docs" / "benchmarks.md"
    today = dt.date.today().isoformat()
    section = f"{SECTION}\n\nRun on {today} with `.venv/bin/python bench/businesstime.py`.\n\n{body}\n"
    if path.exists():
        text = path.read_text()
        pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
        if pattern.search(text):
            text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
        else:
            text = text.rstrip() + "\n\n" + section
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "# Benchmarks\n\n" + section
    path.write_text(text)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases of each kind (default 100,000)")
    parser.add_argument("--reference-sample", type=int, default=2_000, help="cases checked by brute force")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--subdivision", help="GB holidays of one nation, e.g. ENG (default: GB-wide)")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    global SUBDIVISION
    if args.subdivision:
        SUBDIVISION = args.subdivision
        DEFINITION["holiday_subdivision"] = args.subdivision

    where = machine()
    adds, betweens = make_cases(args.cases, args.seed)
    cal = Calendar.from_dict(DEFINITION)
    progress(f"escalade.businesstime: {args.cases:,} adds and betweens, pass 1 of 3 ...")
    mine = ours(cal, adds, betweens)
    btd = businesstimedelta_run(adds, betweens)
    progress("escalade.businesstime: pass 2 of 3 ...")
    mine = ours(cal, adds, betweens, mine)
    pd_ = pandas_run(adds)
    progress("escalade.businesstime: pass 3 of 3 ...")
    mine = ours(cal, adds, betweens, mine)

    def same_instant(a, b):
        return a == b

    def same_minutes(a, b):
        return abs(a - b) < 1e-6

    btd_diff = {
        "add": disagreements(adds, btd["add"], mine["add"], same_instant, closing_time=cal),
        "between": disagreements(betweens, btd["between"], mine["between"], same_minutes),
    }
    whole_hours = [(s, m // 60 * 60) for s, m in adds]
    mine_hours = [cal.add(s, m) for s, m in whole_hours]
    pd_diff = disagreements(whole_hours, pd_["add"], mine_hours, same_instant, closing_time=cal)
    ref = reference_check(adds, betweens, args.reference_sample)

    body = report(args.cases, mine, btd, pd_, btd_diff, pd_diff, ref, args.reference_sample, where)
    print(body)
    if not args.no_write:
        progress(f"wrote {write_docs(body).relative_to(ROOT)}")
    return 1 if ref[0] else 0


if __name__ == "__main__":
    sys.exit(main())
