"""The priority of a new ticket from the policy's priority matrix (VIOE 7.1/7.3: impact, users
affected, business impact, workaround), with the wording that explains it: the priority's
definition and, when the category has one, the category's own definition of it (I One Tech 5).

    suggest(policy, answers, category=…, chosen=…)   the priority a new ticket gets, and why
    read_answers(policy, answers)                     the answers checked against the matrix
    answers_on(viewer, ticket)                        the answers given when the ticket was opened
                                                      (from its `ticket.opened` audit event; agents)

Answers are keyed by the matrix question's key, each naming one of its answers (key, label or
alias). A DomainError names the form field `matrix_<question>`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from escalade.audit.models import Event
from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.policy import NotInPolicy, Policy
from escalade.policy.schema import MatrixDimension, MatrixLevel
from escalade.policy.validate import normalise
from escalade.tickets.models import Ticket

FIELD_PREFIX = "matrix_"

#: Where the answers are kept on the `ticket.opened` audit event (question key → answer key).
AUDIT_KEY = "priority_matrix"


@dataclass(frozen=True)
class MatrixAnswer:
    question_key: str
    question: str  # e.g. "Users affected"
    answer_key: str
    answer: str  # the policy's label, e.g. "Multiple users or teams"
    points_to: str  # the priority key this answer points to


@dataclass(frozen=True)
class PrioritySuggestion:
    key: str  # the priority key, e.g. P2
    name: str  # e.g. High
    definition: str  # the policy's definition of the priority ("" when it has none)
    category: str  # the category's name ("" without a category)
    category_definition: str  # the category's own wording for this priority ("" when none)
    source: str  # "matrix" (from the answers), "chosen" (an agent chose it) or "default"
    answers: tuple[MatrixAnswer, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.key} · {self.name}"

    @property
    def reasons(self) -> tuple[MatrixAnswer, ...]:
        """The answers that point to the suggested priority (the matrix's reason for it); empty
        unless the priority came from the answers."""
        if self.source != "matrix":
            return ()
        return tuple(a for a in self.answers if a.points_to == self.key)

    @property
    def because(self) -> str:
        """The reason in words: "all or most users affected; workaround: none available"."""
        return "; ".join(f"{a.question.lower()}: {a.answer[:1].lower()}{a.answer[1:]}" for a in self.reasons)


def has_matrix(policy: Policy | None) -> bool:
    return bool(policy is not None and policy.priority_matrix is not None)


def read_answers(policy: Policy, answers: Mapping[str, str | None]) -> tuple[MatrixAnswer, ...]:
    """The given answers (empty ones skipped) as the policy words them, in the matrix's order.
    An unknown question or answer is a DomainError on that question's field."""
    given = {key: str(value).strip() for key, value in answers.items() if value and str(value).strip()}
    if not given:
        return ()
    matrix = policy.priority_matrix
    if matrix is None:
        raise DomainError(_("This support policy has no priority questions"), field=FIELD_PREFIX + next(iter(given)))
    unknown = sorted(set(given) - set(matrix.dimensions))
    if unknown:
        raise DomainError(_("No priority question %(question)r; known: %(known)s") % {
            "question": unknown[0], "known": ", ".join(matrix.dimensions)},
                          field=FIELD_PREFIX + unknown[0])
    out = []
    for qkey, question in matrix.dimensions.items():
        if qkey not in given:
            continue
        try:
            level = _level(question, given[qkey])
        except NotInPolicy:
            labels = "; ".join(lv.label for lv in question.levels.values())
            raise DomainError(_("Choose one of the answers to “%(name)s”: %(labels)s") % {
                "name": question.name, "labels": labels},
                              field=FIELD_PREFIX + qkey) from None
        out.append(MatrixAnswer(qkey, question.name, level.key, level.label, level.priority))
    return tuple(out)


def _level(question: MatrixDimension, answer: str) -> MatrixLevel:
    wanted = normalise(answer)
    for key, level in question.levels.items():
        if wanted in {normalise(n) for n in (key, level.label, *level.aliases) if n}:
            return level
    raise NotInPolicy(f"no answer {answer!r}")


def not_in_policy(exc: NotInPolicy, *, field: str) -> DomainError:
    """The error about a priority or category the policy does not define, in the reader's language."""
    given = {"wanted": exc.wanted, "known": ", ".join(exc.known)}
    if exc.noun == "priority":
        return DomainError(_("no priority '%(wanted)s' in this policy; known: %(known)s") % given, field=field)
    if exc.noun == "category":
        return DomainError(_("no category '%(wanted)s' in this policy; known: %(known)s") % given, field=field)
    return DomainError(_("%(wanted)s is not in this support policy; known: %(known)s") % given, field=field)


def suggest(policy: Policy, answers: Mapping[str, str | None] | None = None, *, category: str = "",
            chosen: str | None = None) -> PrioritySuggestion:
    """The priority a new ticket gets: the one an agent `chosen` (key, name or alias), else the
    one the matrix suggests from `answers` (`Policy.suggest_priority`: majority or highest),
    else the policy's default (its lowest priority). With its definition, and the `category`'s
    own wording for it when the category defines one."""
    read = read_answers(policy, answers or {})
    if chosen:
        try:
            key, source = policy.priority(chosen).key, "chosen"
        except NotInPolicy as exc:
            raise not_in_policy(exc, field="priority") from None
    elif read:
        key, source = policy.suggest_priority(**{a.question_key: a.answer_key for a in read}), "matrix"
    else:
        key, source = policy.priority_keys[-1], "default"
    priority = policy.priorities[key]
    cat = None
    if category:
        try:
            cat = policy.category(category)
        except NotInPolicy as exc:
            raise not_in_policy(exc, field="category") from None
    return PrioritySuggestion(
        key=key, name=priority.name, definition=priority.definition, source=source, answers=read,
        category=cat.name if cat else "", category_definition=cat.priority_definitions.get(key, "") if cat else "",
    )


def answers_on(viewer: Viewer, ticket: Ticket) -> tuple[MatrixAnswer, ...]:
    """The matrix answers given when `ticket` was opened, as recorded on its `ticket.opened`
    audit event, so agents see why it got its priority. Customers get nothing (they see the
    priority, not the agents' working)."""
    if not viewer.is_staff_side:
        return ()
    event = Event.objects.filter(ticket_id=ticket.pk, action="ticket.opened").order_by("id").first()
    recorded = (event.after or {}).get(AUDIT_KEY) if event else None
    if not recorded:
        return ()
    return tuple(MatrixAnswer(**row) for row in recorded)
