"""The guide's sections about the customer's side: how to contact support, and what we ask of you."""

from __future__ import annotations

from escalade.policy import Policy

from .document import Section
from .words import channel_name, duration, hours, labels, names, priority_name, sentences


def how_to_contact(policy: Policy, plan: str | None) -> Section:
    s = Section("How to contact support")
    rows, mine = [], set()
    for key, ch in policy.channels.items():
        limits = []
        if ch.plans:
            limits.append(f"{names(policy, ch.plans, 'plans')} plan" + ("s" if len(ch.plans) > 1 else ""))
            if plan in ch.plans:
                mine.add(len(rows))
        if ch.priorities:
            limits.append(", ".join(priority_name(policy, k) for k in ch.priorities) + " only")
        if ch.categories:
            limits.append(names(policy, ch.categories, "categories"))
        use = sentences(ch.best_for, ", ".join(limits), ch.note)
        rows.append([channel_name(policy, key), ch.address or "", hours(policy, ch.hours), use])
    s.table(["Channel", "Where", "Hours", "Use for"], rows, mine)
    intake = policy.intake
    wanted = labels(["description", *intake.required]) if intake.required else []
    info = s.sub("What to tell us")
    if wanted:
        info.para("Every new ticket needs " + _and(list(dict.fromkeys(wanted))) + ".")
    for category, fields in intake.by_category.items():
        wanted = labels(list(dict.fromkeys(["description", *fields])))
        info.para(f"For {names(policy, [category], 'categories')}: " + _and(wanted) + ".")
    if intake.ask_for:
        info.para("Please also give " + _and(labels(intake.ask_for)) + " when you have them; our acknowledgement "
                  "asks for whatever is missing.")
    for field in policy.custom_fields.values():  # the policy's own fields customers fill in
        if field.customer != "edit":
            continue
        need = "Required on every ticket." if field.required else (
            "Required for " + _and([names(policy, [c], "categories") for c in field.required_in]) + "."
            if field.required_in else "If you know it.")
        info.para(sentences(f"{field.name}: {field.help}" if field.help else field.name, need))
    ack = policy.email.acknowledgement
    if ack.send:
        reply = s.sub("Our acknowledgement")
        reply.para(f"Every new ticket is acknowledged at once with its ticket number, its priority and the response "
                   f"time your plan promises. {ack.text}")
        reply.bullets([f"{link.title}: {link.url}" for link in ack.links])
        reply.para(ack.note)
    words = [(k, kw) for k, kw in policy.email.keywords.items()]
    if words:
        s.sub("Words that act in an email").bullets([_keyword(policy, kw) for _, kw in words])
    return s


def _keyword(policy: Policy, kw) -> str:
    said = " or ".join(f'"{p}"' for p in kw.phrases)
    where = "the subject" if kw.search == "subject" else "the subject or the message"
    effects = []
    if kw.priority:
        effects.append(f"the ticket becomes {priority_name(policy, kw.priority)}")
    if kw.channel == "emergency_line":
        effects.append("it is handled as an emergency call")
    if kw.escalation_request:
        effects.append("it is an escalation request")
    if kw.category:
        effects.append(f"it goes to {names(policy, [kw.category], 'categories')}")
    return f"Write {said} in {where}: {', '.join(effects) or 'it is marked for us'}."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def responsibilities(policy: Policy) -> Section:
    s = Section("Your responsibilities")
    items = []
    if policy.intake.required or policy.intake.ask_for:
        wanted = labels(list(dict.fromkeys(["description", *policy.intake.required, *policy.intake.ask_for])))
        items.append("Give us accurate information about the issue: " + _and(wanted) + ".")
    else:
        items.append("Give us accurate information about the issue.")
    if policy.clocks.pause_statuses:
        items.append("Answer our questions promptly: while we wait for you the clocks stop, and the ticket waits "
                     "too.")
    if policy.email.unauthorised_sender or policy.email.unknown_sender:
        items.append("Designate who may open tickets for your company; we act on requests from your designated "
                     "contacts." + (f" {policy.email.instructions}" if policy.email.instructions else ""))
    life = policy.lifecycle
    if life.auto_close_after_days:
        items.append(f"Confirm a resolution, or tell us it did not work: a resolved ticket closes after "
                     f"{duration(f'{life.auto_close_after_days} days, 24x7')} without an answer.")
    if life.customer_may_reopen:
        within = f" within {life.reopen_within_days} days" if life.reopen_within_days else ""
        items.append(f"You may reopen a resolved ticket{within} if the issue comes back.")
    s.bullets(items)
    return s
