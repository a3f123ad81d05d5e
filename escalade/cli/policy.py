"""`escalade policy check|apply|diff|versions`: the support policy file."""

from __future__ import annotations

import sys
from pathlib import Path

from escalade.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("policy", help="check, apply and compare support policy files")
    psub = p.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    c = psub.add_parser("check", help="validate policy files; print every problem as file:line:col")
    c.add_argument("files", nargs="+", metavar="FILE")
    c.set_defaults(handler=run_check, needs_django=False)
    a = psub.add_parser("apply", help="store FILE as a new policy version and make it active")
    a.add_argument("file", metavar="FILE")
    a.add_argument("--actor", default="cli", help="who applies it, for the audit trail")
    a.set_defaults(handler=run_apply)
    d = psub.add_parser("diff", help="differences between two stored versions (default: previous and active)")
    d.add_argument("old", nargs="?", type=int)
    d.add_argument("new", nargs="?", type=int)
    d.set_defaults(handler=run_diff)
    v = psub.add_parser("versions", help="list stored policy versions")
    v.set_defaults(handler=run_versions)


def run_check(args) -> int:
    from escalade.policy.check import check_file

    bad = 0
    for name in args.files:
        problems = check_file(name)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            bad += 1
        else:
            print(f"{name}: OK")
    return 1 if bad else 0


def run_apply(args) -> int:
    from escalade.policy import PolicyInvalid
    from escalade.policy.publish import apply_policy

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{path}: cannot read the file: {exc.strerror}") from None
    try:
        version, created = apply_policy(text, filename=str(path), actor=args.actor)
    except PolicyInvalid as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        return 1
    if created:
        print(f"applied {path} as policy version {version.number} ({version.name}); it is now active")
    else:
        print(f"{path} is already the active policy (version {version.number}); nothing changed")
    return 0


def run_diff(args) -> int:
    from escalade.errors import NotFound
    from escalade.policy.models import PolicyVersion
    from escalade.policy.publish import diff_versions, get_version

    try:
        if args.old is None:
            versions = list(PolicyVersion.objects.order_by("-number")[:2])
            if len(versions) < 2:
                raise CliError("fewer than two policy versions are stored; nothing to compare")
            new, old = versions
        else:
            old = get_version(args.old)
            new = get_version(args.new) if args.new is not None else PolicyVersion.objects.get(is_active=True)
    except NotFound as exc:
        raise CliError(str(exc)) from None
    print(diff_versions(old, new) or f"v{old.number} and v{new.number} are identical", end="")
    return 0


def run_versions(args) -> int:
    from escalade.policy.models import PolicyVersion

    for v in PolicyVersion.objects.order_by("number"):
        mark = "*" if v.is_active else " "
        print(f"{mark} v{v.number:<4} {v.applied_at:%Y-%m-%d %H:%M} UTC  {v.applied_by:<12} {v.name}  ({v.filename})")
    return 0
