"""`escalade report review-pack --organisation SLUG --month YYYY-MM [-o FILE]`: one customer's
monthly review pack as a PDF (for an account manager's review), the same as the console's."""

from __future__ import annotations

import sys
from pathlib import Path

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("report", help="reports for managers")
    rsub = p.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    r = rsub.add_parser("review-pack", help="one customer's monthly review pack as a PDF")
    r.add_argument("--organisation", required=True, help="the organisation's slug, e.g. acme")
    r.add_argument("--month", required=True, help="the month, YYYY-MM (UTC), e.g. 2026-11")
    r.add_argument("-o", "--output", help="the PDF file to write (default: review-SLUG-MONTH.pdf; - for stdout)")
    r.set_defaults(handler=run_review_pack)


def run_review_pack(args) -> int:
    from escalade import clock
    from escalade.errors import DomainError
    from escalade.monitoring.availability import parse_month
    from escalade.orgs.access import Viewer
    from escalade.reports.pdf import review_pack_pdf
    from escalade.reports.review_pack import review_pack, review_pack_filename

    try:
        month = parse_month(args.month)
    except ValueError as exc:
        raise CliError(f"--month: {exc}") from None
    try:
        pack = review_pack(Viewer.system("review pack"), args.organisation, month, clock.now())
    except DomainError as exc:
        raise CliError(f"--organisation: {exc.message}") from None
    data = review_pack_pdf(pack)
    if args.output == "-":
        sys.stdout.buffer.write(data)
        return 0
    path = Path(args.output or review_pack_filename(pack))
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
    print(f"wrote {path} ({pack.title})")
    return 0
