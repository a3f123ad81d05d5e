"""Bringing a django-helpdesk database over, idempotently: every record imported is remembered
(`ImportedRecord`), so a re-run brings only what is new — new tickets, and new follow-ups and
attachments on tickets imported before.

- queues → teams (and the ticket's category, from the mapping file or a policy category of the
  queue's name);
- staff users → agents (vendor staff; no password: they sign in after a password reset), other
  users and submitters → contacts of the organisation their mail domain names (else the default
  organisation);
- tickets → tickets with their status, priority and dates, the old number (SUP-42) as the
  searchable external reference; follow-ups → public replies or internal notes; attachments → the
  files, copied;
- open tickets get SLA clocks from their original opening under the active policy, marked
  imported (`sla.clocks.start_imported_clocks`).

Each ticket is imported in its own transaction with its messages and attachments and one
`ticket.imported` audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import transaction
from django.utils.text import slugify

from escalade.audit.chain import record
from escalade.escalation.sweep import schedule_check
from escalade.mail.senders import organisation_for_domain
from escalade.orgs.models import Agent, Contact, Level, Organisation, Team
from escalade.policy import NotInPolicy
from escalade.policy.publish import active_version, policy_of
from escalade.sla.clocks import start_imported_clocks
from escalade.tickets.models import Attachment, Channel, Message, ResolutionType, Status, Ticket
from escalade.transfer.helpdesk.mapping import Mapping
from escalade.transfer.helpdesk.source import Source, as_datetime
from escalade.transfer.models import ImportedRecord

SOURCE = "django-helpdesk"
ACTOR = "system: import from django-helpdesk"
KINDS = ("queue", "user", "ticket", "followup", "attachment")
# django-helpdesk's statuses: 1 open, 2 reopened, 3 resolved, 4 closed, 5 duplicate.
STATUS = {1: Status.OPEN, 2: Status.IN_PROGRESS, 3: Status.RESOLVED, 4: Status.CLOSED, 5: Status.CLOSED}


@dataclass
class Summary:
    """What the source held and what became of it: imported now, or already imported before."""

    found: Counter = field(default_factory=Counter)
    imported: Counter = field(default_factory=Counter)
    already: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        for kind in KINDS:
            missing = self.found[kind] - self.imported[kind] - self.already[kind]
            out.append(f"{kind + 's':12} {self.found[kind]:6} found, {self.imported[kind]:6} imported, "
                       f"{self.already[kind]:6} already here" + (f", {missing} NOT imported" if missing else ""))
        return out + [f"note: {p}" for p in self.problems]

    @property
    def complete(self) -> bool:
        return all(self.found[k] == self.imported[k] + self.already[k] for k in KINDS)


class Importer:
    def __init__(self, source: Source, mapping: Mapping, media_dir: Path | None, at: dt.datetime):
        self.db, self.mapping, self.media_dir, self.at = source, mapping, media_dir, at
        self.summary = Summary()
        self.version = active_version()
        self.policy = policy_of(self.version) if self.version else None
        self.level = Level.objects.order_by("rank").first()

    # -- what was imported before ------------------------------------------------------------

    def _known(self, kind: str, source_id) -> int | None:
        return (ImportedRecord.objects.filter(source=SOURCE, kind=kind, source_id=str(source_id))
                .values_list("target_id", flat=True).first())

    def _remember(self, kind: str, source_id, target_id: int) -> None:
        ImportedRecord.objects.create(source=SOURCE, kind=kind, source_id=str(source_id), target_id=target_id,
                                      imported_at=self.at)
        self.summary.imported[kind] += 1

    # -- queues and people --------------------------------------------------------------------

    def queues(self) -> dict[int, tuple[Team, str, str]]:
        """Queue id → (team, category key, slug)."""
        out = {}
        for q in self.db.rows("SELECT id, title, slug FROM helpdesk_queue ORDER BY id"):
            self.summary.found["queue"] += 1
            wanted = self.mapping.queue(q["slug"], q["title"])
            key = slugify(wanted.get("team") or q["slug"])[:50] or f"queue-{q['id']}"
            team = Team.objects.filter(key=key).first()
            if self._known("queue", q["id"]) is not None:
                self.summary.already["queue"] += 1
                team = team or Team.objects.create(key=key, name=q["title"][:100])
            else:
                with transaction.atomic():
                    team = team or Team.objects.create(key=key, name=q["title"][:100])
                    self._remember("queue", q["id"], team.pk)
            out[q["id"]] = (team, self._category(wanted.get("category"), q), q["slug"])
        return out

    def _category(self, wanted: str | None, queue: dict) -> str:
        if self.policy is None:
            return wanted or ""
        for name in filter(None, (wanted, queue["slug"], queue["title"])):
            try:
                return self.policy.category(name).key
            except NotInPolicy:
                continue
        if wanted:
            self.summary.problems.append(f"queue {queue['slug']}: the policy has no category {wanted!r}")
        return ""

    def users(self) -> dict[int, Agent | Contact]:
        """auth_user id → the agent (staff) or contact it became."""
        out: dict[int, Agent | Contact] = {}
        User = get_user_model()  # noqa: N806 (a class)
        for u in self.db.rows("SELECT id, username, email, first_name, last_name, is_staff, is_active "
                              "FROM auth_user ORDER BY id"):
            self.summary.found["user"] += 1
            name = f"{u['first_name']} {u['last_name']}".strip() or u["username"]
            known = self._known("user", u["id"])
            if known is not None:
                self.summary.already["user"] += 1
                person = (Agent.objects.filter(pk=known).first() if u["is_staff"]
                          else Contact.objects.filter(pk=known).first())
                if person is not None:
                    out[u["id"]] = person
                continue
            with transaction.atomic():
                if u["is_staff"]:
                    username = u["username"] if not User.objects.filter(username=u["username"]).exists() \
                        else f"helpdesk-{u['username']}"
                    user = User.objects.create_user(username=username[:150], email=u["email"] or "",
                                                    first_name=u["first_name"] or "", last_name=u["last_name"] or "",
                                                    is_active=bool(u["is_active"]))
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                    person = Agent.objects.create(user=user, name=name[:200])
                else:
                    person = self._contact(u["email"] or f"{u['username']}@unknown.invalid", name)
                self._remember("user", u["id"], person.pk)
            out[u["id"]] = person
        return out

    def _organisation(self, email: str) -> Organisation:
        found = organisation_for_domain(email.rpartition("@")[2])
        if found is not None:
            return found
        slug = self.mapping.organisation or "imported-customers"
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            org = Organisation.objects.create(slug=slug, name="Imported from django-helpdesk" if
                                              slug == "imported-customers" else slug)
        return org

    def _contact(self, email: str, name: str = "") -> Contact:
        email = email.strip().lower()
        contact = Contact.objects.filter(email__iexact=email).select_related("organisation").first()
        if contact is None:
            contact = Contact.objects.create(organisation=self._organisation(email), email=email,
                                             name=(name or email.partition("@")[0])[:200])
        return contact

    # -- tickets --------------------------------------------------------------------------------

    def _priority(self, number: int) -> str:
        if number in self.mapping.priorities:
            return self.mapping.priorities[number]
        if self.policy is None:
            return f"P{number}"
        keys = list(self.policy.priority_keys)
        return keys[min(max(number, 1), len(keys)) - 1]

    def tickets(self, queues, people, progress: Callable[[int, int], None] | None) -> None:
        rows = self.db.rows("SELECT * FROM helpdesk_ticket ORDER BY id")
        follow_ups = self._by_ticket(self.db.rows("SELECT * FROM helpdesk_followup ORDER BY date, id"))
        files = self._by_followup(self.db.rows("SELECT * FROM helpdesk_followupattachment ORDER BY id"))
        self.summary.found["ticket"] = len(rows)
        self.summary.found["followup"] = sum(len(v) for v in follow_ups.values())
        self.summary.found["attachment"] = sum(len(v) for v in files.values())
        for done, row in enumerate(rows, start=1):
            with transaction.atomic():
                ticket = self._ticket(row, queues, people, follow_ups.get(row["id"], []))
                for fu in follow_ups.get(row["id"], []):
                    message = self._follow_up(ticket, fu, people)
                    for a in files.get(fu["id"], []):
                        self._attachment(message, a)
            if progress:
                progress(done, len(rows))

    @staticmethod
    def _by_ticket(rows):
        out: dict[int, list] = {}
        for r in rows:
            out.setdefault(r["ticket_id"], []).append(r)
        return out

    @staticmethod
    def _by_followup(rows):
        out: dict[int, list] = {}
        for r in rows:
            out.setdefault(r["followup_id"], []).append(r)
        return out

    def _ticket(self, row, queues, people, follow_ups) -> Ticket:
        known = self._known("ticket", row["id"])
        if known is not None:
            self.summary.already["ticket"] += 1
            return Ticket.objects.get(pk=known)
        team, category, slug = queues[row["queue_id"]]
        requester = self._contact(row["submitter_email"]) if row["submitter_email"] else None
        assignee = people.get(row["assigned_to_id"])
        created, modified = as_datetime(row["created"]), as_datetime(row["modified"])
        status = STATUS.get(row["status"], Status.OPEN)
        resolved_at = modified if status in (Status.RESOLVED, Status.CLOSED) else None
        resolution_type = (ResolutionType.DUPLICATE if row["status"] == 5 else ResolutionType.FIXED) \
            if resolved_at else ""
        ticket = Ticket.objects.create(
            organisation=requester.organisation if requester else self._organisation(""),
            requester=requester, subject=(row["title"] or "(no subject)")[:300],
            description=row["description"] or "(no description)", priority=self._priority(row["priority"]),
            category=category, channel=Channel.EMAIL if row["submitter_email"] else Channel.PORTAL,
            status=status, level=self.level, team=team, assignee=assignee if isinstance(assignee, Agent) else None,
            resolution_type=resolution_type, policy_version=self.version, created_at=created, updated_at=modified,
            resolved_at=resolved_at, closed_at=modified if status == Status.CLOSED else None,
            external_ref=f"{slug}-{row['id']}",
        )
        self._remember("ticket", row["id"], ticket.pk)
        record(actor=ACTOR, action="ticket.imported", obj=ticket, ticket_id=ticket.pk, at=self.at,
               after={"from": SOURCE, "external_ref": ticket.external_ref, "status": status,
                      "opened_at": created, "resolution": row["resolution"] or ""})
        if status not in (Status.RESOLVED, Status.CLOSED) and self.version is not None:
            replies = [as_datetime(f["date"]) for f in follow_ups if f["public"]
                       and isinstance(people.get(f["user_id"]), Agent)]
            start_imported_clocks(ticket, opened_at=created, first_agent_reply_at=min(replies, default=None))
            schedule_check(ticket, self.at)
        return ticket

    def _follow_up(self, ticket: Ticket, fu, people) -> Message | None:
        known = self._known("followup", fu["id"])
        if known is not None:
            self.summary.already["followup"] += 1
            return Message.objects.filter(pk=known).first()
        author = people.get(fu["user_id"])
        if isinstance(author, Agent):
            name, user, from_customer = author.name, author.user, False
        else:
            contact = author if isinstance(author, Contact) else ticket.requester
            name, user, from_customer = (contact.name if contact else "Customer"), None, True
        body = (fu["comment"] or "").strip() or f"({fu['title'] or 'Update'}: status changed)"
        message = Message.objects.create(ticket=ticket, author_user=user, author_name=name[:200],
                                         from_customer=from_customer, body=body, is_internal=not fu["public"],
                                         channel=ticket.channel, created_at=as_datetime(fu["date"]))
        self._remember("followup", fu["id"], message.pk)
        return message

    def _attachment(self, message: Message | None, a) -> None:
        if self._known("attachment", a["id"]) is not None:
            self.summary.already["attachment"] += 1
            return
        path = (self.media_dir / a["file"]) if self.media_dir else None
        if message is None or path is None or not path.is_file():
            where = f"{path}" if path else "(give --media, the django-helpdesk MEDIA_ROOT)"
            self.summary.problems.append(f"attachment {a['id']} ({a['filename']}): file not found at {where}")
            return
        attachment = Attachment(message=message, filename=a["filename"][:255], content_type=a["mime_type"][:100],
                                size=path.stat().st_size)
        with path.open("rb") as handle:
            attachment.file.save(Path(a["filename"]).name, File(handle), save=True)
        self._remember("attachment", a["id"], attachment.pk)


def import_helpdesk(source: Source, *, mapping: Mapping, media_dir: Path | None, at: dt.datetime,
                    progress: Callable[[int, int], None] | None = None) -> Summary:
    """Import everything not imported before from the django-helpdesk database `source`; returns
    the summary. `progress(done, total)` is called after each ticket."""
    importer = Importer(source, mapping, media_dir, at)
    queues = importer.queues()
    people = importer.users()
    importer.tickets(queues, people, progress)
    return importer.summary
