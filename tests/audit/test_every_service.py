"""Every write function of the domain services makes an audit event. The list of modules below is
where the domain's write functions live; a public function there must be a case here (a write, with
the event it makes) or be named a read. A new service function without a case fails this test."""

import datetime as dt
import importlib
import inspect

import pytest

from escalade.audit.models import Event
from escalade.orgs.access import Viewer
from escalade.tickets.models import Status

MODULES = [
    "escalade.tickets.services", "escalade.tickets.lifecycle", "escalade.tickets.priority_requests",
    "escalade.kb.services", "escalade.monitoring.services", "escalade.surveys.services",
    "escalade.escalation.review", "escalade.escalation.management", "escalade.api.tokens",
    "escalade.policy.publish", "escalade.webhooks.services", "escalade.tickets.merge",
]

READS = {
    "escalade.tickets.services.required_information", "escalade.tickets.services.missing_information",
    "escalade.tickets.lifecycle.label", "escalade.tickets.lifecycle.allowed_targets",
    "escalade.surveys.services.may_answer", "escalade.tickets.merge.continues_at",
    "escalade.escalation.management.open_concern", "escalade.escalation.management.view_of",
    "escalade.escalation.management.due", "escalade.escalation.management.next_check",
    "escalade.escalation.management.open_concerns",
    "escalade.api.tokens.hash_key", "escalade.api.tokens.authenticate",
    "escalade.policy.publish.active_version", "escalade.policy.publish.policy_of",
    "escalade.policy.publish.get_version", "escalade.policy.publish.diff_versions",
}
#: Steps of an audited action, each auditing itself in the action's transaction.
STEPS = {
    # A heartbeat is machine input, kept as the system's last heartbeat; outages it causes are incidents.
    "escalade.monitoring.services.receive_heartbeat",
    # Called by escalation rules (escalation.fired), each records its own management event.
    "escalade.escalation.management.raise_concern", "escalade.escalation.management.move_concern",
}


def _as(who):
    return Viewer.of(who.user)


def _public_functions():
    for name in MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == name and not attr.startswith("_"):
                yield f"{name}.{attr}"


CASES = {}


def case(qualified: str, action: str):
    def register(fn):
        CASES[qualified] = (action, fn)
        return fn
    return register


@case("escalade.tickets.services.open_ticket", "ticket.opened")
def _open(w):
    from tests.factories import ticket
    ticket(w.acme, by=w.alice, subject="Another")


@case("escalade.tickets.services.add_message", "ticket.replied")
def _reply(w):
    from escalade.tickets.services import add_message
    add_message(_as(w.vera), w.acme_ticket, body="On it")


@case("escalade.tickets.services.change_status", "ticket.status_changed")
def _status(w):
    from escalade.tickets.services import change_status
    change_status(_as(w.vera), w.acme_ticket, Status.IN_PROGRESS)


@case("escalade.tickets.lifecycle.transition", "ticket.status_changed")
def _transition(w):
    from escalade.tickets.lifecycle import transition
    transition(w.acme_ticket, Status.IN_PROGRESS, actor="test")


@case("escalade.tickets.services.update_ticket", "ticket.updated")
def _update(w):
    from escalade.tickets.services import update_ticket
    update_ticket(_as(w.max), w.acme_ticket, assignee=w.vera)


@case("escalade.tickets.services.request_escalation", "ticket.escalation_requested")
def _escalate(w):
    from escalade.tickets.services import request_escalation
    request_escalation(_as(w.alice), w.acme_ticket, business_impact="Payroll stops")


@case("escalade.tickets.services.link_tickets", "ticket.linked")
def _link(w):
    from escalade.tickets.services import link_tickets
    link_tickets(_as(w.max), w.acme_ticket, w.globex_ticket, "related")


@case("escalade.tickets.merge.merge_tickets", "ticket.merged")
def _merge(w):
    from escalade.tickets.merge import merge_tickets
    from tests.factories import ticket
    merge_tickets(_as(w.vera), w.acme_ticket, [ticket(w.acme, by=w.alice, subject="Again")])


@case("escalade.tickets.services.move_to_active_policy", "ticket.policy_reapplied")
def _reapply(w):
    from escalade.policy.publish import apply_policy
    from escalade.tickets.services import move_to_active_policy
    apply_policy(open("examples/policies/vioe.yaml").read(), filename="vioe.yaml", actor="test")
    move_to_active_policy(Viewer(w.admin, "admin"), [w.acme_ticket])


@case("escalade.tickets.services.auto_close_resolved", "ticket.status_changed")
def _auto_close(w):
    from escalade.tickets.services import auto_close_resolved, change_status
    change_status(_as(w.vera), w.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    w.clock.advance(days=8)
    assert auto_close_resolved(now=w.clock.now(), after_days=7) == 1


@case("escalade.tickets.priority_requests.request_priority_change", "ticket.priority_change_requested")
def _ask_priority(w):
    from escalade.tickets.priority_requests import request_priority_change
    request_priority_change(_as(w.vera), w.acme_ticket, "P1", "Whole office down")


@case("escalade.tickets.priority_requests.decide_priority_change", "ticket.priority_change_declined")
def _decide_priority(w):
    from escalade.tickets.priority_requests import decide_priority_change, request_priority_change
    asked = request_priority_change(_as(w.vera), w.acme_ticket, "P1", "Whole office down")
    decide_priority_change(_as(w.max), asked, accept=False, note="Not so")


@case("escalade.kb.services.create_category", "kb.category_created")
def _kb_category(w):
    from escalade.kb.services import create_category
    create_category(_as(w.max), name="Printers")


@case("escalade.kb.services.create_article", "kb.article_created")
def _kb_article(w):
    from escalade.kb.services import create_article
    create_article(_as(w.max), title="Reset a printer", body="Turn it off and on.")


@case("escalade.kb.services.update_article", "kb.article_updated")
def _kb_update(w):
    from escalade.kb.services import create_article, update_article
    article = create_article(_as(w.max), title="Reset a printer", body="Turn it off and on.")
    update_article(_as(w.max), article, body="Unplug it for ten seconds.")


@case("escalade.kb.services.publish_article", "kb.article_published")
def _kb_publish(w):
    from escalade.kb.services import create_article, publish_article
    publish_article(_as(w.max), create_article(_as(w.max), title="Reset", body="Off and on."))


@case("escalade.kb.services.unpublish_article", "kb.article_unpublished")
def _kb_unpublish(w):
    from escalade.kb.services import create_article, publish_article, unpublish_article
    article = publish_article(_as(w.max), create_article(_as(w.max), title="Reset", body="Off and on."))
    unpublish_article(_as(w.max), article)


@case("escalade.monitoring.services.add_asset", "monitoring.asset_added")
def _asset(w):
    from escalade.monitoring.services import add_asset
    add_asset(w.acme, name="Website", kind="http", target="https://acme.example.com/")


def _window(w):
    from escalade.monitoring.services import schedule_maintenance
    start = w.clock.now() + dt.timedelta(days=10)
    return schedule_maintenance(starts_at=start, ends_at=start + dt.timedelta(hours=2), reason="Upgrade",
                                organisation=w.acme)


@case("escalade.monitoring.services.schedule_maintenance", "maintenance.scheduled")
def _schedule(w):
    _window(w)


@case("escalade.monitoring.services.reschedule_maintenance", "maintenance.rescheduled")
def _reschedule(w):
    from escalade.monitoring.services import reschedule_maintenance
    window = _window(w)
    reschedule_maintenance(window, starts_at=window.starts_at + dt.timedelta(hours=1),
                           ends_at=window.ends_at + dt.timedelta(hours=1))


@case("escalade.monitoring.services.cancel_maintenance", "maintenance.cancelled")
def _cancel(w):
    from escalade.monitoring.services import cancel_maintenance
    cancel_maintenance(_window(w))


@case("escalade.monitoring.services.exclude_outage", "monitoring.outage_excluded")
def _exclude(w):
    from escalade.monitoring.services import exclude_outage
    start = w.clock.now() - dt.timedelta(hours=3)
    exclude_outage(w.acme, starts_at=start, ends_at=start + dt.timedelta(hours=1), cause="customer",
                   recorded_by="Max")


@case("escalade.surveys.services.answer_survey", "survey.answered")
def _survey(w):
    from escalade.surveys.services import answer_survey
    from escalade.tickets.services import change_status
    change_status(_as(w.vera), w.acme_ticket, Status.RESOLVED, resolution_type="fixed")
    w.acme_ticket.refresh_from_db()
    answer_survey(_as(w.alice), w.acme_ticket, rating=5)


@case("escalade.escalation.review.complete_review_task", "review_task.done")
def _review(w):
    from escalade.escalation.models import ReviewTask
    from escalade.escalation.review import complete_review_task
    task = ReviewTask.objects.create(ticket=w.acme_ticket, role="manager", rule="test", created_at=w.clock.now())
    complete_review_task(_as(w.max), task.pk)


@case("escalade.escalation.management.answer_concern", "escalation.management_answered")
def _answer(w):
    from escalade.escalation.management import answer_concern
    from escalade.escalation.models import ManagementConcern
    now = w.clock.now()
    ManagementConcern.objects.create(ticket=w.acme_ticket, rule="test", raised_at=now, step=0, role="manager",
                                     step_reached_at=now, last_attempt_at=now)
    answer_concern(_as(w.max), w.acme_ticket, answer="On it")


@case("escalade.api.tokens.issue_token", "api_token.issued")
def _token(w):
    from escalade.api.tokens import issue_token
    issue_token(w.vera.user, "laptop")


@case("escalade.api.tokens.revoke_tokens", "api_token.revoked")
def _revoke(w):
    from escalade.api.models import ApiToken
    from escalade.api.tokens import issue_token, revoke_tokens
    issue_token(w.vera.user, "laptop")
    revoke_tokens(ApiToken.objects.all(), actor="Max")


@case("escalade.policy.publish.apply_policy", "config.policy.applied")
def _policy(w):
    from escalade.policy.publish import apply_policy
    apply_policy(open("examples/policies/mycorp.yaml").read(), filename="mycorp.yaml", actor="test")


@case("escalade.webhooks.services.subscribe", "webhook.subscribed")
def _subscribe(w):
    from escalade.webhooks.services import subscribe
    subscribe(_as(w.pat), name="PSA", url="https://psa.example.com/hook", event_types=["ticket.created"])


@case("escalade.webhooks.services.update_subscription", "webhook.subscription_changed")
def _change_subscription(w):
    from escalade.webhooks.services import subscribe, update_subscription
    sub = subscribe(Viewer.of(w.admin), name="PSA", url="https://psa.example.com/hook", event_types=["ticket.created"])
    update_subscription(Viewer.of(w.admin), sub, name="PSA", url=sub.url, event_types=sub.event_types, active=False)


@case("escalade.webhooks.services.replay", "webhook.replayed")
def _replay(w):
    from escalade.webhooks.models import Delivery
    from escalade.webhooks.services import replay, subscribe
    from tests.factories import ticket
    subscribe(Viewer.of(w.admin), name="PSA", url="https://psa.example.com/hook", event_types=["ticket.created"])
    ticket(w.acme, by=w.alice, subject="Webhook me")
    replay(Viewer.of(w.admin), Delivery.objects.get())


def test_every_public_function_of_the_services_is_a_write_with_a_case_or_a_read():
    unknown = [f for f in _public_functions() if f not in CASES and f not in READS and f not in STEPS]
    assert not unknown, f"add a case (the audit event it makes) or name it a read: {unknown}"
    gone = [f for f in [*CASES, *READS, *STEPS] if f not in set(_public_functions())]
    assert not gone, f"no longer there: {gone}"


@pytest.mark.parametrize("qualified", sorted(CASES))
def test_each_write_function_makes_its_audit_event(world, qualified):
    action, run = CASES[qualified]
    before = Event.objects.filter(action=action).count()
    run(world)
    assert Event.objects.filter(action=action).count() > before, f"{qualified} made no {action} event"
