"""`escalade audit verify|checkpoint|public-key|export|seal`: the audit log from the command line.

verify exits 0 when the log is intact, 1 when it was tampered with (the first bad place is named),
2 when it could not be checked (database unreachable, no signing key) — one line, no traceback."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

from escalade.cli.errors import CliError

COULD_NOT_CHECK = 2


def register(sub) -> None:
    p = sub.add_parser("audit", help="audit log tools")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="check that no audit event was altered, removed, reordered or forged")
    v.add_argument("--checkpoint", metavar="FILE", help="a checkpoint kept outside (JSON): the log must still hold it")
    v.add_argument("--public-key", help="the trusted public key (base64); default: this installation's")
    v.set_defaults(handler=run_verify)
    c = asub.add_parser("checkpoint", help="print the latest signed checkpoint (JSON)")
    c.set_defaults(handler=run_checkpoint)
    k = asub.add_parser("public-key", help="print the public key that verifies the checkpoints (base64)")
    k.set_defaults(handler=run_public_key)
    e = asub.add_parser("export", help="write an organisation's events with proofs, for offline checking")
    e.add_argument("--organisation", required=True, metavar="KEY", help="the organisation's key (its slug) or name")
    e.add_argument("--output", "-o", metavar="FILE", help="where to write the bundle (default: standard output)")
    e.set_defaults(handler=run_export)
    s = asub.add_parser("seal", help="seal the events waiting for the sequencer now (the worker does this)")
    s.set_defaults(handler=run_seal)


def run_verify(args) -> int:
    from django.db import DatabaseError

    from escalade.audit.verify import verify_log
    from escalade.errors import SettingsError

    try:
        given = json.loads(Path(args.checkpoint).read_text()) if args.checkpoint else None
        key = base64.b64decode(args.public_key, validate=True) if args.public_key else None
        result = verify_log(given=given, public_key=key)
    except (OSError, ValueError) as exc:
        print(f"could not check: {exc}", file=sys.stderr)
        return COULD_NOT_CHECK
    except (DatabaseError, SettingsError) as exc:
        print(f"could not check: {_first_line(exc)}", file=sys.stderr)
        return COULD_NOT_CHECK
    print(result.message)
    return result.exit_code


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def run_checkpoint(args) -> int:
    from escalade.audit import signing
    from escalade.audit.sequencer import latest_checkpoint

    checkpoint = latest_checkpoint()
    if checkpoint is None:
        raise CliError("no checkpoint yet: nothing has been sealed (is the worker running? `escalade audit seal`)")
    print(json.dumps({**checkpoint.as_dict(), "public_key": signing.public_key_text()}, indent=2, sort_keys=True))
    return 0


def run_public_key(args) -> int:
    from escalade.audit import signing

    print(signing.public_key_text())
    return 0


def run_export(args) -> int:
    from django.db.models import Q

    from escalade.audit.export import organisation_bundle
    from escalade.errors import DomainError
    from escalade.orgs.models import Organisation

    org = Organisation.objects.filter(Q(slug=args.organisation) | Q(name=args.organisation)).first()
    if org is None:
        raise CliError(f"no organisation {args.organisation!r}")
    try:
        data = organisation_bundle(organisation_id=org.pk, key=org.slug, name=org.name, actor="system: audit export")
    except DomainError as exc:
        raise CliError(str(exc)) from None
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output}: check it with `python3 escalade/audit/verifier.py {args.output}`",
              file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def run_seal(args) -> int:
    from escalade import clock
    from escalade.audit.sequencer import seal_pending

    total = 0
    while sealed := seal_pending(clock.now()):
        total += sealed
    print(f"sealed {total} events")
    return 0
