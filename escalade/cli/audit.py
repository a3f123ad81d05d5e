"""`escalade audit verify`: check the hash chain of the audit trail."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("audit", help="audit trail tools")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = asub.add_parser("verify", help="check that no audit event was altered, removed or inserted")
    v.set_defaults(handler=run_verify)


def run_verify(args) -> int:
    from escalade.audit.verify import verify_chain

    result = verify_chain()
    print(result.message)
    return 0 if result.ok else 1
