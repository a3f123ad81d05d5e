"""The guide's escalation section: the levels, what escalates by itself, how a customer escalates,
the management chain and who to contact."""

from __future__ import annotations

from escalade.escalation.explain import explain
from escalade.policy import Policy

from .document import Section
from .words import names, rules_in_words, who_of


def section(policy: Policy, plan: str | None) -> Section:
    s = Section("Escalation")
    _path(s, policy)
    _automatic(s, policy, plan)
    _customer(s, policy, plan)
    _chain(s, policy)
    _matrix(s, policy)
    _contacts(s, policy)
    return s


def _path(s: Section, policy: Policy) -> None:
    if not policy.levels:
        return
    rows = []
    for key, level in policy.levels.items():
        partners = [p.name for p in policy.partners.values() if key in p.levels]
        team = " or ".join(partners) or (policy.teams[level.team].name if level.team in policy.teams else "")
        handles = "; ".join(level.handles)
        target = (f" Target: {level.resolved_within_percent:g}% of issues resolved by this level or an earlier one."
                  if level.resolved_within_percent is not None else "")
        rows.append([f"{key}: {level.name}", team, f"{level.description}{target}".strip(), handles])
    path = s.sub("The escalation path")
    path.para(" → ".join(f"{key} {lv.name}" for key, lv in policy.levels.items()))
    path.table(["Level", "Staffed by", "Role", "Handles"], rows)
    for partner in policy.partners.values():
        path.para(f"{partner.name}: {partner.description} They run {names(policy, partner.levels, 'levels')} for "
                  "their customers.")


def _automatic(s: Section, policy: Policy, plan: str | None) -> None:
    lines = rules_in_words(explain(policy), policy)
    rules = list(policy.escalation.triggers.values())
    rows = []
    for trigger, line in zip(rules, lines, strict=False):
        if trigger.plans and plan and plan not in trigger.plans:
            continue
        _, _, said = line.partition(": when ")
        rows.append([f"When {said.split(': ', 1)[0]}", said.split(": ", 1)[1] if ": " in said else said])
    auto = s.sub("What escalates by itself")
    auto.para("These rules run around the clock in our support desk; nobody has to remember them.")
    auto.table(["When", "What happens"], rows)


def _customer(s: Section, policy: Policy, plan: str | None) -> None:
    requests = [t for t in policy.escalation.triggers.values() if t.when.escalation_requested is not None
                and (not t.plans or plan is None or plan in t.plans)]
    how = s.sub("How you escalate")
    steps = ["On the portal, open your ticket and choose Request escalation; or contact support and quote your "
             "ticket number."]
    phrases = [p for kw in policy.email.keywords.values() if kw.escalation_request for p in kw.phrases]
    if phrases:
        steps.append("By email, write " + " or ".join(f'"{p}"' for p in phrases) + " in the subject.")
    if any(t.when.escalation_requested.business_impact_required for t in requests):
        steps.append("Explain the business impact: a request needs it.")
    else:
        steps.append("Explain the business impact, so the manager can judge the request.")
    steps.append("You may ask for a particular support level.")
    how.bullets(steps)
    follows = []
    for t in requests:
        line = next(iter(rules_in_words(explain(_only(policy, t.key)), policy)), "")
        _, _, said = line.partition(": when ")
        if ": " in said:
            scope = f" (plan {names(policy, t.plans, 'plans')})" if t.plans else ""
            follows.append(f"Then{scope}: {said.split(': ', 1)[1]}")
    how.bullets(follows)


def _only(policy: Policy, key: str) -> Policy:
    """The policy with one trigger, to explain just that rule."""
    import copy

    one = copy.copy(policy)
    one.escalation = copy.copy(policy.escalation)
    one.escalation.triggers = {key: policy.escalation.triggers[key]}
    one.escalation.after_hours = {}
    return one


def _chain(s: Section, policy: Policy) -> None:
    chain = policy.escalation.management_chain
    if chain is None:
        return
    sub = s.sub("Raising a concern with management")
    sub.para("If we do not meet a commitment, or you are unhappy with how an issue is handled, raise it with "
             "these people in turn:")
    rows = []
    for n, step in enumerate(chain.steps, 1):
        people = _people(policy, step.role)
        moves = []
        if step.timeout_working_days is not None:
            days = f"{step.timeout_working_days:g} working day" + ("s" if step.timeout_working_days != 1 else "")
            moves.append(f"after {days} without progress")
        if step.attempts is not None:
            moves.append(f"after {step.attempts} unanswered attempts to reach them (more than one occasion)"
                         if step.attempts == 2 else f"after {step.attempts} unanswered attempts")
        rows.append([f"Step {n}", who_of(policy, step.role), people, " or ".join(moves) or "—",
                     " ".join(step.description.split())])
    sub.table(["Step", "Who", "Contact", "Next step", "When"], rows)
    if chain.calendar:
        sub.para(f"Working days are those of the {policy.calendar_spec(chain.calendar).name or chain.calendar} "
                 "calendar.")


def _people(policy: Policy, role: str) -> str:
    spec = policy.roles.get(role)
    if spec is None:
        return ""
    out = []
    for key in spec.contacts:
        c = policy.contacts.get(key)
        if c is not None:
            out.append(", ".join(x for x in (c.name, c.email or "", c.phone or "") if x))
    return "; ".join(out)


def _matrix(s: Section, policy: Policy) -> None:
    matrix = policy.escalation.matrix
    if not matrix:
        return
    sub = s.sub("Who takes each kind of issue")
    sub.table(["Issue type", "Escalation path"],
              [[route.name, " → ".join(who_of(policy, r).removeprefix("the ")
                                       for r in route.path.values())]
               for route in matrix.values()])


def _contacts(s: Section, policy: Policy) -> None:
    rows = [[role.name, role.description, _people(policy, key)] for key, role in policy.roles.items()
            if role.contacts]
    s.sub("Escalation contacts").table(["Role", "Responsibilities", "Contact"], rows)
