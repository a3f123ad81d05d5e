"""/api/tickets/bulk: one action on many tickets (tickets.bulk.run_bulk). Each ticket is changed on
its own, through the same service as its single-ticket endpoint; the answer lists what became of
each. Mounted before /api/tickets/{number} (routes.py) so "bulk" is not read as a ticket number."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Router, Schema

from escalade.api.auth import viewer
from escalade.api.errors import WRITE_ERRORS, ErrorOut
from escalade.api.schemas import InputSchema
from escalade.tickets import bulk

router = Router(tags=["tickets"])


class BulkIn(InputSchema):
    tickets: list[Annotated[str, Field(max_length=30)]] = Field(min_length=1, max_length=bulk.MAX_TICKETS,
                               description="Ticket numbers (ESC-000123 or 123).")
    action: str = Field(max_length=30, description="assign, status, priority, add_tag, remove_tag or apply_macro.",
                        examples=["status"])
    assignee: str | None = Field(None, max_length=20, description="assign: `me` or an agent id.")
    team: str | None = Field(None, max_length=50, description="assign: a team key.")
    status: str | None = Field(None, max_length=20, description="status: the status to move to.")
    resolution_type: str | None = Field(None, max_length=20, description="status: needed when resolving.")
    priority: str | None = Field(None, max_length=20, description="priority: a priority key of the policy.")
    tag: str | None = Field(None, max_length=500, description="add_tag, remove_tag: a tag (or several, "
                                                              "separated by commas).")
    macro: int | None = Field(None, ge=1, le=2**63 - 1, description="apply_macro: the macro's id.")


class OutcomeOut(Schema):
    number: str
    result: Literal["changed", "unchanged", "refused"]
    message: str = Field(description="What changed, or why the ticket was refused.")


class BulkOut(Schema):
    changed: int
    unchanged: int
    refused: int
    results: list[OutcomeOut] = Field(description="One per ticket asked for, in the order asked.")


@router.post("", response={200: BulkOut, WRITE_ERRORS: ErrorOut})
def bulk_change(request, payload: BulkIn):
    """Agents: carry out one action on many tickets. Each ticket is changed in its own transaction,
    so one refused (a status it cannot move to, a ticket you cannot see) leaves the others changed;
    the response says, per ticket, `changed`, `unchanged` or `refused` with the reason. Parameters
    that are wrong for every ticket (an unknown agent or macro) are a 4xx and nothing is changed."""
    who = viewer(request)
    params = payload.model_dump(exclude={"tickets", "action"}, exclude_none=True)
    outcomes = bulk.run_bulk(who, payload.tickets, payload.action, params)
    count = {kind: sum(1 for o in outcomes if o.result == kind) for kind in ("changed", "unchanged", "refused")}
    return BulkOut(**count, results=[OutcomeOut(number=o.number, result=o.result, message=o.message)
                                     for o in outcomes])
