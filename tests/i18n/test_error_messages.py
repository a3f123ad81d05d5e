"""Every domain error message a person reads is marked for translation (issue #17): the errors that
services raise are shown on form fields, on portal pages and in API error bodies, in the reader's
language. Left in English, by design: the API's own request errors (escalade/api), CLI output
(escalade/cli, and escalade/transfer, which only the CLI runs), the policy author's errors
(escalade/policy, escalade/businesstime) and the simulator's (escalade/simulate)."""

from pathlib import Path

from tests.i18n.error_messages import domain_errors, unmarked, unmarked_in

ROOT = Path(__file__).resolve().parents[2] / "escalade"
ENGLISH_ONLY = ("api", "cli", "transfer", "policy", "businesstime", "simulate")

SOURCE = '''
from django.core.exceptions import PermissionDenied
from escalade.errors import Conflict, DomainError, NotFound
from escalade import errors

class Refused(Conflict):
    pass

def act(ticket, exc, name):
    raise DomainError("Give the view a name", field="name")
    raise NotFound(f"No ticket {ticket.number} that you can see")
    raise Refused("Not now")
    raise errors.Conflict(message="Changed since")
    raise DomainError(exc.message, field="into")
    raise DomainError(str(exc))
    raise DomainError(_("Give the view a name"), field="name")
    raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number})
    raise Refused(gettext("Not now"))
    raise PermissionDenied("too many failed sign-ins")
    raise ValueError("not a domain error")
'''


def test_the_checker_finds_unmarked_messages():
    errors = domain_errors([SOURCE, (ROOT / "errors.py").read_text()])
    assert {"DomainError", "NotFound", "Conflict", "PermissionDenied", "Refused"} <= errors
    assert unmarked(SOURCE, errors, filename="act.py") == [
        "act.py:10: 'Give the view a name'",
        "act.py:11: f'No ticket {ticket.number} that you can see'",
        "act.py:12: 'Not now'",
        "act.py:13: 'Changed since'",
        "act.py:15: str(exc)",
    ]


def test_the_checker_knows_escalades_own_domain_errors():
    errors = domain_errors(p.read_text() for p in ROOT.rglob("*.py") if "migrations" not in p.parts)
    assert {"NotFound", "AccessDenied", "TicketChanged", "InvalidTransition", "MergeRefused",
            "CrossOrganisationMerge", "RejectedAlert", "InvalidLanguage"} <= errors


def test_every_domain_error_message_is_marked_for_translation():
    found = unmarked_in(ROOT, skipped=ENGLISH_ONLY)
    assert found == [], "Mark these messages with _() (django.utils.translation.gettext), named placeholders " \
                        "for values:\n" + "\n".join(found)
