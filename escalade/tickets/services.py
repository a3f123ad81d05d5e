"""One write function per ticket action. Each locks the ticket first (`locking.lock_ticket`: it
works on the row as stored now and raises its version), checks permission, then acts inside a
transaction and records the change in the audit trail. Views, API and tasks call these.

`expected_version` (the API's If-Match, a portal form's hidden field) refuses a change made from
an older read of the ticket with `locking.TicketChanged`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from escalade import clock
from escalade.audit.chain import collected, record
from escalade.db import remembering
from escalade.errors import DomainError, NotFound, PermissionDenied
from escalade.orgs.access import Viewer
from escalade.orgs.models import Agent, Contact, Level, Organisation, Team
from escalade.policy import NotInPolicy
from escalade.policy.models import PolicyVersion
from escalade.policy.publish import active_version, policy_of
from escalade.tickets import attachments as attachment_files
from escalade.tickets import custom_fields as ticket_fields
from escalade.tickets import lifecycle, matrix_review, priority_matrix
from escalade.tickets.locking import expect_version, is_held, lock_ticket, save_change
from escalade.tickets.models import Channel, Kind, Message, Status, Ticket, TicketLink
from escalade.tickets.opening import opening

INFO_FIELDS = (
    "steps_to_reproduce",
    "expected_behaviour",
    "actual_behaviour",
    "error_messages",
    "affected_users",
    "business_impact",
)

#: How the acknowledgement and the errors name each piece of information (VIOE 8.4); marked for
#: translation, translated where an error names them.
INFO_LABELS = {
    "description": gettext_noop("a description of the issue"),
    "steps_to_reproduce": gettext_noop("the steps to reproduce the issue"),
    "expected_behaviour": gettext_noop("what you expected to happen"),
    "actual_behaviour": gettext_noop("what happened instead"),
    "error_messages": gettext_noop("any error messages, exactly as shown"),
    "affected_users": gettext_noop("who is affected (how many users, which sites or systems)"),
    "business_impact": gettext_noop("the impact on your business"),
}


def required_information(version: PolicyVersion | None, category: str = "") -> tuple[str, ...]:
    """The information fields a new ticket in `category` must give under the policy version
    (`intake.required`, or `intake.by_category`), description first; just the description without
    a policy."""
    if version is None:
        return ("description",)
    intake = policy_of(version).intake
    fields = intake.by_category.get(category, intake.required) if category else intake.required
    return tuple(dict.fromkeys(["description", *fields]))


def missing_information(ticket: Ticket) -> list[str]:
    """What the policy requires or asks for (`intake.ask_for`) that the ticket does not give yet,
    in words, in the active language (for the acknowledgement's "please reply with")."""
    wanted = list(required_information(ticket.policy_version, ticket.category))
    if ticket.policy_version_id:
        wanted += policy_of(ticket.policy_version).intake.ask_for
    return [_(INFO_LABELS[f]) for f in dict.fromkeys(wanted) if not str(getattr(ticket, f, "") or "").strip()]


def _require_staff(viewer: Viewer, what: str) -> None:
    if not viewer.is_staff_side:
        raise PermissionDenied(_("Only agents can %(what)s.") % {"what": what})


def _require_visible(viewer: Viewer, ticket: Ticket) -> None:
    """Permission inside the action: the viewer must be able to see the ticket at all."""
    if viewer.system_name or viewer.kind == "admin":
        return
    if not Ticket.objects.filter(viewer.ticket_filter(), pk=ticket.pk).exists():
        raise NotFound(_("No ticket %(number)s that you can see") % {"number": ticket.number})


def _locked(viewer: Viewer, ticket: Ticket, expected_version: int | None) -> Ticket:
    """The ticket locked and re-read, once the viewer may see it and it is the version they read."""
    ticket = lock_ticket(ticket)
    _require_visible(viewer, ticket)
    expect_version(ticket, expected_version)
    return ticket


def _snapshot(ticket: Ticket, fields: Iterable[str]) -> dict:
    return {f: getattr(ticket, f) for f in fields}


def _policy_keys(version: PolicyVersion | None, priority: str | None, category: str) -> tuple[str, str]:
    """The policy's own keys for a priority and category given by key, name or alias."""
    if version is None:
        return priority or "P3", category
    policy = policy_of(version)
    try:
        priority = policy.priority(priority).key if priority else policy.priority_keys[-1]
    except NotInPolicy as exc:
        raise priority_matrix.not_in_policy(exc, field="priority") from None
    if category:
        try:
            category = policy.category(category).key
        except NotInPolicy as exc:
            raise priority_matrix.not_in_policy(exc, field="category") from None
    return priority, category


def _category_routing(version: PolicyVersion | None, category: str) -> tuple[Level | None, Team | None]:
    """The support level and team a new ticket in `category` goes to (`categories.*.level` and
    `.team`), each None where the policy names none or it is not set up here. Mirrored Storage:
    Level 4 (Account Manager) handles "Billing and contract questions"."""
    spec = policy_of(version).categories.get(category) if version is not None and category else None
    if spec is None:
        return None, None
    level = Level.objects.filter(key=spec.level).first() if spec.level else None
    team = Team.objects.filter(key=spec.team).first() if spec.team else None
    return level, team


def open_ticket(viewer: Viewer, *, organisation: Organisation, subject: str, description: str,
                requester: Contact | None = None, priority: str | None = None, category: str = "",
                kind: str = Kind.FAULT, channel: str = Channel.PORTAL, level: Level | None = None,
                at: dt.datetime | None = None, intake: bool = False,
                matrix_answers: Mapping[str, str | None] | None = None,
                custom_fields: Mapping[str, object] | None = None, **info: str) -> Ticket:
    """Open a ticket for `organisation`. A customer opens it for themselves; an agent may name
    the requester. Unknown info fields are refused rather than dropped.

    `intake=True` from the edges where a person submits a ticket and can be answered at once (the
    portal form, the API, an agent entering a phone call): the policy's `intake.required`
    information must be given (else a DomainError naming the first missing field), and the
    requester is sent one acknowledgement (mail.outbound, a receiver of `ticket_changed`). Email
    intake leaves it False: a message cannot be refused, and it is acknowledged as a threaded reply
    under the loop rules, asking for what is missing. Tickets made by the system (monitoring, demo
    data, simulations) leave it False too.

    `matrix_answers` (question key → answer) are the priority matrix's questions answered: without a
    `priority`, the ticket gets the one they suggest (`priority_matrix.suggest`); the answers are kept
    on the `ticket.opened` audit event so agents see why it got its priority.

    `custom_fields` (key → value): the policy's custom fields (`custom_fields.clean`); with
    `intake=True` those required in the ticket's category must be given.

    The checks and the reads (policy, routing) come first; the writes after them in one
    transaction, so on SQLite the write lock is held only while writing. The active policy version,
    the default level and whether webhooks are subscribed are one read (`tickets.opening`)."""
    with remembering():
        return _open_ticket(viewer, organisation=organisation, subject=subject, description=description,
                            requester=requester, priority=priority, category=category, kind=kind,
                            channel=channel, level=level, at=at, intake=intake, matrix_answers=matrix_answers,
                            custom_fields=custom_fields, **info)


def _open_ticket(viewer: Viewer, *, organisation: Organisation, subject: str, description: str,
                 requester: Contact | None, priority: str | None, category: str, kind: str, channel: str,
                 level: Level | None, at: dt.datetime | None, intake: bool,
                 matrix_answers: Mapping[str, str | None] | None, custom_fields: Mapping[str, object] | None,
                 **info: str) -> Ticket:
    viewer.may_open_ticket_for(organisation)
    unknown = set(info) - set(INFO_FIELDS)
    if unknown:
        raise DomainError(_("Unknown ticket field %(field)r") % {"field": sorted(unknown)[0]}, field=sorted(unknown)[0])
    if not subject.strip():
        raise DomainError(_("A ticket needs a subject"), field="subject")
    if not description.strip():
        raise DomainError(_("Describe the issue"), field="description")
    if kind not in Kind.values:
        raise DomainError(_("Unknown kind %(kind)r; use one of %(known)s") % {
            "kind": kind, "known": ", ".join(Kind.values)}, field="kind")
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel %(channel)r") % {"channel": channel}, field="channel")
    if viewer.kind == "customer":
        requester = viewer.contact
    elif requester is not None and requester.organisation_id != organisation.pk:
        raise DomainError(_("%(name)s is not a contact of %(organisation)s") % {
            "name": requester.name, "organisation": organisation.name}, field="requester")
    at = at or clock.now()
    current = opening()
    version = current.version
    answers: tuple = ()
    review_to = None  # the highest priority through the matrix waits for an agent (matrix_review)
    if version is not None and any((matrix_answers or {}).values()):
        suggestion = priority_matrix.suggest(policy_of(version), matrix_answers, category=category, chosen=priority)
        answers = suggestion.answers
        priority, review_to = matrix_review.opening_priority(viewer, policy_of(version), suggestion,
                                                             info.get("business_impact", ""))
    priority, category = _policy_keys(version, priority, category)
    if intake:
        given = {**info, "description": description}
        for field in required_information(version, category):
            if not str(given.get(field) or "").strip():
                what = INFO_LABELS[field]
                raise DomainError(_("The support policy asks every new ticket for %(what)s; please add it") % {
                    "what": _(what)},
                                  field=field)
    fields = ticket_fields.clean(policy_of(version) if version else None, custom_fields or {}, category=category,
                                 customer=viewer.kind == "customer", creating=intake)
    routed_level, team = _category_routing(version, category)
    level = level or routed_level or current.first_level
    # This ticket's events (opened, clocks started, …) go in with one insert.
    ticket = Ticket(
        policy_version=version,
        organisation=organisation,
        requester=requester,
        subject=subject.strip(),
        description=description,
        priority=priority,
        category=category,
        kind=kind,
        channel=channel,
        level=level,
        team=team,
        created_at=at,
        updated_at=at,
        **info,
    )
    lifecycle.ticket_opening.send(Ticket, ticket=ticket, at=at)
    with transaction.atomic(), collected():
        ticket.save(force_insert=True)
        opened = _snapshot(ticket, ("subject", "priority", "category", "kind", "channel", "status"))
        opened.update({f: str(v) for f, v in (("level", routed_level), ("team", team)) if v is not None})
        if fields:
            opened["custom_fields"] = ticket_fields.store(ticket, fields)[1]
        if answers:
            opened[priority_matrix.AUDIT_KEY] = [dataclasses.asdict(a) for a in answers]
        record(actor=viewer.label, actor_user=viewer.user, action="ticket.opened", obj=ticket, ticket_id=ticket.pk,
               after=opened, at=at)
        if review_to:
            matrix_review.ask_for_review(viewer, ticket, review_to, info["business_impact"], at)
        lifecycle.ticket_changed.send(Ticket, ticket=ticket, change="opened", before={},
                                      after={"acknowledge": True} if intake else {}, at=at)
    return ticket


@transaction.atomic
def add_message(viewer: Viewer, ticket: Ticket, *, body: str, internal: bool = False,
                channel: str = Channel.PORTAL, attachments: Iterable[UploadedFile] = (),
                at: dt.datetime | None = None, expected_version: int | None = None) -> Message:
    """Add a public reply or (agents only) an internal note, with attachments; `message.ticket` is
    the ticket as it is now.

    A customer's reply to a ticket pending their answer puts it back In Progress; an agent's first
    public reply on an Open ticket moves it to In Progress.
    """
    ticket = _locked(viewer, ticket, expected_version)
    if internal:
        _require_staff(viewer, _("write internal notes"))
    if not body.strip():
        raise DomainError(_("The message is empty"), field="body")
    if ticket.status == Status.CLOSED:
        raise DomainError(_("%(number)s is closed; open a new ticket and mention it.") % {
            "number": ticket.number}, field="body")
    files = list(attachments)
    for upload in files:
        attachment_files.check(upload)
    at = at or clock.now()
    from_customer = viewer.kind == "customer"
    message = Message.objects.create(
        ticket=ticket, author_user=viewer.user, author_name=viewer.label, from_customer=from_customer,
        body=body, is_internal=internal, channel=channel, created_at=at,
    )
    attachment_files.store(message, files)
    save_change(ticket, at=at)
    record(actor=viewer.label, actor_user=viewer.user, obj=message, ticket_id=ticket.pk, at=at,
           action="ticket.note_added" if internal else "ticket.replied",
           after={"public": not internal, "attachments": [f.name for f in files], "chars": len(body)})
    lifecycle.ticket_changed.send(
        Ticket, ticket=ticket, change="note" if internal else ("customer_reply" if from_customer else "agent_reply"),
        before={}, after={"message_id": message.pk}, at=at,
    )
    if not internal:
        if from_customer and ticket.status == Status.PENDING_CUSTOMER:
            lifecycle.transition(ticket, Status.IN_PROGRESS, actor=viewer.label, actor_user=viewer.user, at=at)
        elif from_customer and ticket.status == Status.RESOLVED:
            lifecycle.transition(ticket, Status.IN_PROGRESS, actor=viewer.label, actor_user=viewer.user,
                                 by_customer=True, at=at)
        elif not from_customer and ticket.status == Status.OPEN:
            lifecycle.transition(ticket, Status.IN_PROGRESS, actor=viewer.label, actor_user=viewer.user, at=at)
    return message


@transaction.atomic
def change_status(viewer: Viewer, ticket: Ticket, to: str, *, resolution_type: str = "",
                  at: dt.datetime | None = None, expected_version: int | None = None) -> Ticket:
    """Move a ticket through its lifecycle; customers may only confirm or reopen a resolution.
    Returns the ticket as it is now. Of several moves at once, each decides on the status the one
    before it left: a move the lifecycle no longer allows from there is InvalidTransition (409)."""
    if viewer.kind not in ("customer", "admin", "vendor_agent", "partner_agent"):
        raise PermissionDenied(_("Sign in to change a ticket."))
    ticket = _locked(viewer, ticket, expected_version)
    if viewer.kind == "customer" and to == Status.IN_PROGRESS and ticket.policy_version_id:
        if not policy_of(ticket.policy_version).lifecycle.customer_may_reopen:
            raise PermissionDenied(_("This support policy does not let customers reopen a resolved ticket."))
    return lifecycle.transition(ticket, to, actor=viewer.label, actor_user=viewer.user,
                                by_customer=viewer.kind == "customer", resolution_type=resolution_type, at=at)


def update_ticket(viewer: Viewer, ticket: Ticket, *, at: dt.datetime | None = None,
                  expected_version: int | None = None, **changes) -> Ticket:
    """Agents change priority, category, kind, level, team or assignee. Each change is audited;
    values equal to the stored ones are no change. Returns the ticket as it is now."""
    # A ticket a sweep's batch holds (locking.held) is changed inside that batch's savepoint already.
    with transaction.atomic(savepoint=not is_held(ticket)):
        return _update_ticket(viewer, ticket, at=at, expected_version=expected_version, **changes)


def _update_ticket(viewer: Viewer, ticket: Ticket, *, at: dt.datetime | None, expected_version: int | None,
                   **changes) -> Ticket:
    _require_staff(viewer, _("change a ticket's priority, level or assignee"))
    ticket = _locked(viewer, ticket, expected_version)
    allowed = {"priority", "category", "kind", "level", "team", "assignee", "subject"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("%(field)r cannot be changed here") % {
            "field": sorted(unknown)[0]}, field=sorted(unknown)[0])
    if "priority" in changes or "category" in changes:
        priority, category = _policy_keys(ticket.policy_version, changes.get("priority", ticket.priority),
                                          changes.get("category", ticket.category))
        changes.update({k: v for k, v in (("priority", priority), ("category", category)) if k in changes})
    if "kind" in changes and changes["kind"] not in Kind.values:
        raise DomainError(_("Unknown kind %(kind)r") % {"kind": changes["kind"]}, field="kind")
    for field, model in (("level", Level), ("team", Team), ("assignee", Agent)):
        value = changes.get(field)
        if value is not None and not isinstance(value, model):
            raise DomainError(_("%(field)s must be a %(model)s") % {
                "field": field, "model": model.__name__}, field=field)
    if viewer.kind == "partner_agent" and changes.get("assignee") is not None:
        if changes["assignee"].partner_id not in (None, viewer.agent.partner_id):
            raise PermissionDenied(_("You can only assign to your own colleagues or the vendor's agents."))
    at = at or clock.now()
    changed = {f: v for f, v in changes.items() if getattr(ticket, f) != v}
    if not changed:
        return ticket
    before = {f: _plain(getattr(ticket, f)) for f in changed}
    for field, value in changed.items():
        setattr(ticket, field, value)
    save_change(ticket, changed, at=at)
    after = {f: _plain(v) for f, v in changed.items()}
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.updated", obj=ticket, ticket_id=ticket.pk,
           before=before, after=after, at=at)
    lifecycle.ticket_changed.send(Ticket, ticket=ticket, change="updated", before=before, after=after, at=at)
    return ticket


def _plain(value):
    if hasattr(value, "_meta"):
        return str(value)
    return value


@transaction.atomic
def request_escalation(viewer: Viewer, ticket: Ticket, *, business_impact: str, level: str = "",
                       at: dt.datetime | None = None, expected_version: int | None = None) -> Ticket:
    """A customer (or an agent on their behalf) asks for an escalation, explaining the business
    impact and optionally the support level they ask for (VIOE 5.3 steps 3 and 4; a level key above
    the ticket's current one). The request, with the level, is the `ticket.escalation_requested`
    audit event, shown on the ticket's timeline; the escalation rules decide what follows (e.g. a
    review task for the tier manager). Returns the ticket as it is now."""
    if viewer.kind == "nobody":
        raise PermissionDenied(_("Sign in to request an escalation."))
    ticket = _locked(viewer, ticket, expected_version)
    if not business_impact.strip():
        raise DomainError(_("Explain the business impact so the manager can judge the request"),
                          field="business_impact")
    if ticket.status in (Status.RESOLVED, Status.CLOSED):
        raise DomainError(_("%(number)s is %(status)s; reopen it first") % {
            "number": ticket.number, "status": ticket.get_status_display()}, field="status")
    level = (level or "").strip()
    if level:
        wanted = Level.objects.filter(key__iexact=level).first()
        if wanted is None:
            known = ", ".join(Level.objects.order_by("rank").values_list("key", flat=True))
            raise DomainError(_("There is no support level %(level)r; use one of %(known)s") % {
                "level": level, "known": known}, field="level")
        if ticket.level_id and wanted.rank <= ticket.level.rank:
            raise DomainError(_("%(number)s is already at %(level)s; ask for a higher level") % {
                "number": ticket.number, "level": ticket.level.key},
                              field="level")
        level = wanted.key
    at = at or clock.now()
    after = {"business_impact": business_impact.strip(), "requested_level": level}
    save_change(ticket, at=at)
    record(actor=viewer.label, actor_user=viewer.user, action="ticket.escalation_requested", obj=ticket,
           ticket_id=ticket.pk, after=after, at=at)
    lifecycle.ticket_changed.send(Ticket, ticket=ticket, change="escalation_requested", before={}, after=after,
                                  at=at)
    return ticket


@transaction.atomic
def link_tickets(viewer: Viewer, ticket: Ticket, other: Ticket, kind: str,
                 at: dt.datetime | None = None, expected_version: int | None = None) -> TicketLink:
    """Record that `ticket` is related to / a duplicate of / a child of `other`. The link is part
    of `ticket` (locked, its version raised); `other` is only read."""
    _require_staff(viewer, _("link tickets"))
    ticket = _locked(viewer, ticket, expected_version)
    _require_visible(viewer, other)
    if ticket.pk == other.pk:
        raise DomainError(_("A ticket cannot be linked to itself"), field="to_ticket")
    at = at or clock.now()
    link, created = TicketLink.objects.get_or_create(
        from_ticket=ticket, to_ticket=other, kind=kind, defaults={"created_at": at}
    )
    if created:
        save_change(ticket, at=at)
        record(actor=viewer.label, actor_user=viewer.user, action="ticket.linked", obj=ticket, ticket_id=ticket.pk,
               after={"kind": kind, "to": other.number}, at=at)
    return link


@transaction.atomic
def move_to_active_policy(viewer: Viewer, tickets: Iterable[Ticket], at: dt.datetime | None = None) -> int:
    """Re-apply the active policy to open tickets (an admin's decision): their clocks are re-targeted
    under the new version, keeping the business time already elapsed. Returns how many moved."""
    if viewer.kind != "admin":
        raise PermissionDenied(_("Only an administrator can move tickets to another policy version."))
    version = active_version()
    if version is None:
        raise DomainError(_("No policy is active; apply one with `escalade policy apply FILE`."))
    at = at or clock.now()
    moved = 0
    for ticket in sorted(tickets, key=lambda t: t.pk):  # one order, so two admins never deadlock
        ticket = lock_ticket(ticket)
        if ticket.policy_version_id == version.pk or ticket.status == Status.CLOSED:
            continue
        before = {"policy_version": ticket.policy_version.number if ticket.policy_version else None}
        ticket.policy_version = version
        save_change(ticket, ["policy_version"], at=at)
        after = {"policy_version": version.number}
        record(actor=viewer.label, actor_user=viewer.user, action="ticket.policy_reapplied", obj=ticket,
               ticket_id=ticket.pk, before=before, after=after, at=at)
        lifecycle.ticket_changed.send(Ticket, ticket=ticket, change="policy_reapplied", before=before,
                                      after=after, at=at)
        moved += 1
    return moved


def auto_close_resolved(*, now: dt.datetime, after_days: int, among: QuerySet[Ticket] | None = None,
                        batch: int = 200) -> int:
    """Close tickets resolved at least `after_days` ago that the customer never confirmed, among
    the given tickets (default: all). Returns how many were closed. Each is closed in its own
    short transaction, re-checking its status under the ticket's lock, so two workers never close
    one twice and a reopening that came first wins."""
    cutoff = now - dt.timedelta(days=after_days)
    closed = 0
    due = (Ticket.objects.all() if among is None else among).filter(status=Status.RESOLVED, resolved_at__lte=cutoff)
    ids = list(due.order_by("resolved_at").values_list("pk", flat=True)[:batch])
    for pk in ids:
        with transaction.atomic():
            try:
                ticket = lock_ticket(pk)
            except Ticket.DoesNotExist:  # deleted meanwhile
                continue
            if ticket.status != Status.RESOLVED or ticket.resolved_at > cutoff:
                continue
            # Back-dated to when it was due, not to when the worker got to it.
            due = ticket.resolved_at + dt.timedelta(days=after_days)
            lifecycle.transition(ticket, Status.CLOSED, actor="system: auto-close", at=due)
            closed += 1
    return closed
