"""`escalade policy check|apply|diff|versions|guide`: the support policy file.

`diff FILE` and `apply --dry-run FILE` say what a file would change before it is applied: the
policy's differences in its own terms (targets, hours, rules), and what moving the open tickets
to it would do to their clocks. Neither writes anything."""

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
    a.add_argument("--dry-run", action="store_true",
                   help="write nothing: say what would change (policy differences, open tickets' clocks)")
    a.add_argument("--move-open-tickets", action="store_true",
                   help="also move every open ticket to the new version (their clocks are re-targeted)")
    a.set_defaults(handler=run_apply)
    d = psub.add_parser("diff", help="FILE against the active version, in policy terms; or two stored versions "
                                     "(default: previous and active) as text")
    d.add_argument("old", nargs="?", metavar="FILE|OLD", help="a policy file, or a version number")
    d.add_argument("new", nargs="?", type=int, metavar="NEW")
    d.add_argument("--text", action="store_true", help="a unified diff of the YAML instead")
    d.set_defaults(handler=run_diff)
    v = psub.add_parser("versions", help="list stored policy versions")
    v.set_defaults(handler=run_versions)
    g = psub.add_parser("guide", help="the customer-facing Support & Escalation Guide of FILE (default: the "
                                      "active policy)")
    g.add_argument("file", nargs="?", metavar="FILE")
    g.add_argument("--format", choices=["md", "html", "pdf"], default="md")
    g.add_argument("--plan", help="mark this plan as the reader's own")
    g.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of standard output")
    g.set_defaults(handler=run_guide)


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


def _read(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"{name}: cannot read the file: {exc.strerror}") from None


def _invalid(exc) -> int:
    for error in exc.errors:
        print(error, file=sys.stderr)
    return 1


def run_apply(args) -> int:
    from escalade import clock
    from escalade.orgs.access import Viewer
    from escalade.policy import PolicyInvalid
    from escalade.policy.publish import apply_policy
    from escalade.tickets.models import Status, Ticket
    from escalade.tickets.services import move_to_active_policy

    text = _read(args.file)
    if args.dry_run:
        return run_dry_run(args.file, text)
    try:
        version, created = apply_policy(text, filename=args.file, actor=args.actor)
    except PolicyInvalid as exc:
        return _invalid(exc)
    if created:
        print(f"applied {args.file} as policy version {version.number} ({version.name}); it is now active")
    else:
        print(f"{args.file} is already the active policy (version {version.number}); nothing changed")
    if args.move_open_tickets:
        moved = move_to_active_policy(Viewer.system(args.actor), Ticket.objects.exclude(status=Status.CLOSED),
                                      at=clock.now())
        print(f"moved {moved} open ticket{'s' if moved != 1 else ''} to version {version.number}")
    return 0


def run_dry_run(name: str, text: str) -> int:
    from escalade import clock
    from escalade.policy import PolicyInvalid
    from escalade.policy.diff import render
    from escalade.sla.preview import dry_run

    try:
        plan = dry_run(text, name, clock.now())
    except PolicyInvalid as exc:
        return _invalid(exc)
    active = f"version {plan.active.number} ({plan.active.name})" if plan.active else "no policy"
    if plan.unchanged:
        print(f"{name} is already the active policy ({active}); applying it changes nothing.")
        return 0
    print(f"Dry run: nothing was written. Applying {name} ({plan.policy.name}) would replace {active}.")
    if plan.active:
        print("\nWhat changes in the policy:")
        print(render(plan.sections) or "  nothing the support desk would notice (comments or layout only)\n", end="")
    for plan_key, orgs in plan.unknown_plans.items():
        print(f"\nThe new policy has no plan {plan_key!r}: new tickets of {', '.join(orgs)} would get no targets.")
    changed = [t for t in plan.tickets if t.changes]
    print(f"\nOpen tickets: {len(plan.tickets)}. They keep the version they were opened under; moved to the new "
          f"one (apply --move-open-tickets), {len(changed)} would change:")
    for preview in changed:
        t = preview.ticket
        print(f"  {t.number} ({t.organisation.name}, plan {t.organisation.plan}, {t.priority})")
        for line in preview.changes:
            print(f"    {line}")
    return 0


def run_diff(args) -> int:
    from escalade.errors import NotFound
    from escalade.policy.models import PolicyVersion
    from escalade.policy.publish import diff_versions, get_version

    if args.old is not None and not args.old.isdigit():
        return run_diff_file(args)
    try:
        if args.old is None:
            versions = list(PolicyVersion.objects.order_by("-number")[:2])
            if len(versions) < 2:
                raise CliError("fewer than two policy versions are stored; nothing to compare")
            new, old = versions
        else:
            old = get_version(int(args.old))
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


def run_diff_file(args) -> int:
    """FILE against the active version: in policy terms, or (--text) as a unified diff."""
    import difflib

    from escalade.policy import PolicyInvalid, load_policy_text
    from escalade.policy.diff import diff_policies, render
    from escalade.policy.publish import active_version, policy_of

    text = _read(args.old)
    try:
        new = load_policy_text(text, args.old)
    except PolicyInvalid as exc:
        return _invalid(exc)
    active = active_version()
    if active is None:
        raise CliError("no policy is active yet; nothing to compare with")
    if args.text:
        lines = difflib.unified_diff(active.source.splitlines(keepends=True), text.splitlines(keepends=True),
                                     fromfile=f"v{active.number} ({active.filename})", tofile=args.old)
        print("".join(lines) or f"{args.old} and v{active.number} are identical", end="")
        return 0
    print(render(diff_policies(policy_of(active), new))
          or f"{args.old} does what v{active.number} does (no difference in the policy)\n", end="")
    return 0


def run_guide(args) -> int:
    from escalade.errors import NotFound
    from escalade.guide import publish
    from escalade.policy import PolicyInvalid, load_policy_text

    if args.file:
        try:
            policy, version = load_policy_text(_read(args.file), args.file), f"Draft from {args.file}"
        except PolicyInvalid as exc:
            return _invalid(exc)
    else:
        try:
            stored, policy = publish.active()
        except NotFound as exc:
            raise CliError(exc.message) from None
        version = publish.describe(stored)
    if args.plan and args.plan not in policy.plans:
        raise CliError(f"the policy has no plan {args.plan!r}; plans: {', '.join(policy.plans)}")
    out = publish.render(policy, args.format, plan=args.plan, version=version)
    if args.output:
        Path(args.output).write_bytes(out)
    elif args.format == "pdf" and sys.stdout.isatty():
        raise CliError("a PDF is not for the terminal: give -o FILE.pdf, or redirect the output")
    else:
        sys.stdout.buffer.write(out)
        sys.stdout.flush()
    return 0
