"""Monthly availability per organisation, from the check results (weighted by the interval each
result stands for), leaving out maintenance announced early enough and excluded outages; and the
service credit it earns under the policy's table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from escalade.monitoring.credits import credit_percent, exact
from escalade.monitoring.models import CheckResult, CheckSummary, MonitoredAsset
from escalade.monitoring.windows import excluded_periods
from escalade.orgs.models import Organisation
from escalade.policy.schema_monitoring import Monitoring


@dataclass(frozen=True)
class MonthReport:
    organisation: Organisation
    month: dt.date
    measured_seconds: int
    down_seconds: int
    excluded_seconds: int
    availability: Fraction | None  # percent; None without any counted check
    meets_target: bool | None
    credit_percent: Fraction
    claim_by: dt.date | None  # credit requests after this day are too late


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next month) of `month`, in UTC."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC)
    end = dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=dt.UTC)
    return start, end


def parse_month(text: str) -> dt.date:
    """`YYYY-MM` → the first day of that month."""
    try:
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a month; write YYYY-MM, e.g. 2026-11") from None


def _inside(at: dt.datetime, periods: list[tuple[dt.datetime, dt.datetime]]) -> bool:
    return any(start <= at < end for start, end in periods)


@dataclass(frozen=True)
class Tally:
    """Seconds one system was measured, down and excluded in a period, and its last counted failure."""
    measured_seconds: int = 0
    down_seconds: int = 0
    excluded_seconds: int = 0
    last_failure: dt.datetime | None = None

    @property
    def availability(self) -> Fraction | None:
        """Percent up of the measured time; None without any counted check."""
        if not self.measured_seconds:
            return None
        return Fraction(100 * (self.measured_seconds - self.down_seconds), self.measured_seconds)

    def __add__(self, other: Tally) -> Tally:
        failures = [t for t in (self.last_failure, other.last_failure) if t is not None]
        return Tally(self.measured_seconds + other.measured_seconds, self.down_seconds + other.down_seconds,
                     self.excluded_seconds + other.excluded_seconds, max(failures, default=None))


def tally(asset: MonitoredAsset, start: dt.datetime, end: dt.datetime, section: Monitoring) -> Tally:
    """Count `asset`'s checks in [start, end) (UTC): each counts for the interval it stands for; a
    check inside an excluded period counts for neither side. The one place results are counted
    (monthly reports, statements and the portal's health page all use it)."""
    notice = dt.timedelta(days=section.maintenance_notice_days)
    measured = down = excluded = 0
    last_failure: dt.datetime | None = None
    periods = excluded_periods(asset, start, end, notice)
    rows = CheckResult.objects.filter(asset=asset, at__gte=start, at__lt=end).values_list(
        "at", "ok", "interval_seconds")
    for at, ok, seconds in rows.iterator():
        if _inside(at, periods):
            excluded += seconds
            continue
        measured += seconds
        if not ok:
            down += seconds
            last_failure = at if last_failure is None or at > last_failure else last_failure
    # Hours already compacted (monitoring.compaction) count as they were classified then; a
    # summary counts when its hour starts in [start, end), exact for hour-aligned periods.
    summaries = CheckSummary.objects.filter(asset=asset, hour__gte=start, hour__lt=end).values_list(
        "up_seconds", "down_seconds", "excluded_seconds", "last_down_at")
    for up_seconds, down_seconds, excluded_seconds, last_down_at in summaries.iterator():
        measured += up_seconds + down_seconds
        down += down_seconds
        excluded += excluded_seconds
        if last_down_at is not None and (last_failure is None or last_down_at > last_failure):
            last_failure = last_down_at
    return Tally(measured, down, excluded, last_failure)


def monthly_availability(organisation: Organisation, month: dt.date, section: Monitoring) -> MonthReport:
    """Availability of `organisation`'s systems in `month`: each check counts for the interval it
    stands for; a check inside an excluded period counts for neither side."""
    start, end = month_bounds(month)
    total = sum((tally(asset, start, end, section)
                 for asset in MonitoredAsset.objects.filter(organisation=organisation)), Tally())
    measured, down, excluded, last_failure = (total.measured_seconds, total.down_seconds, total.excluded_seconds,
                                              total.last_failure)
    availability = Fraction(100 * (measured - down), measured) if measured else None
    target = exact(section.availability_target)
    credit = credit_percent(availability, section.credits or [])
    claim_by = (last_failure + dt.timedelta(days=section.claim_window_days)).date() if credit and last_failure else None
    return MonthReport(organisation=organisation, month=month, measured_seconds=measured, down_seconds=down,
                       excluded_seconds=excluded, availability=availability,
                       meets_target=None if availability is None else availability >= target,
                       credit_percent=credit, claim_by=claim_by)


def report(month: dt.date, section: Monitoring) -> list[MonthReport]:
    """One row per organisation, by name."""
    return [monthly_availability(org, month, section) for org in Organisation.objects.order_by("name")]


def format_percent(value: Fraction | None, places: int = 3) -> str:
    if value is None:
        return "no data"
    return f"{float(round(value, places)):.{places}f}%"


def render_table(rows: list[MonthReport], section: Monitoring) -> str:
    """The report as a plain-text table (the CLI prints it)."""
    header = ("Organisation", "Availability", f"Target {section.availability_target:g}%", "Down (min)",
              "Excluded (min)", "Credit", "Claim by")
    lines = [header]
    for r in rows:
        met = "-" if r.meets_target is None else ("met" if r.meets_target else "MISSED")
        lines.append((r.organisation.name, format_percent(r.availability), met, str(r.down_seconds // 60),
                      str(r.excluded_seconds // 60), f"{float(r.credit_percent):g}%",
                      r.claim_by.isoformat() if r.claim_by else "-"))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in lines)
