"""The `custom_fields` section of the policy file: information a ticket carries beyond the built-in
fields (a server name, a contract number, whether the requester's authority was checked). Part of
the format defined in `schema.py`; the values live on tickets (`escalade.tickets.custom_fields`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .schema import CategoryKey, doc, mapping_key

FieldType = Literal["text", "number", "date", "choice", "boolean", "url", "email"]
FIELD_TYPES: tuple[str, ...] = ("text", "number", "date", "choice", "boolean", "url", "email")
CustomerAccess = Literal["edit", "read", "none"]


@dataclass(kw_only=True)
class CustomField:
    """One custom ticket field: what it is called, what values it takes, who fills it in."""
    key: str = mapping_key("custom field")
    name: str = doc("The field's label on forms and the ticket page, e.g. `Affected server`.")
    type: FieldType = doc("`text`, `number`, `date` (YYYY-MM-DD), `choice` (one of `options`), "
                          "`boolean` (yes or no), `url` or `email`.", "text", example="type: choice")
    options: list[str] = doc("The values a `choice` field offers (only for `choice`).", factory=list,
                             example="options: [Hardware, Software, Network]")
    help: str = doc("One line under the field saying what to enter.", "")
    required: bool = doc("Every new ticket must give it (in every category).", False)
    required_in: list[CategoryKey] = doc(
        "The categories in which a new ticket must give it (instead of `required: true`).",
        factory=list, example="required_in: [fault]")
    customer: CustomerAccess = doc(
        "What customers may do with it: `edit` (fill it in on their new ticket and see it), `read` "
        "(see it; agents fill it in) or `none` (agents only).", "edit")
