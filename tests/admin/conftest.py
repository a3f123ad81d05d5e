import pytest


@pytest.fixture
def admin_client(client, world):
    """The test client signed in as the world's superuser."""
    client.force_login(world.admin)
    return client


def form_data(response, **changes) -> dict:
    """The POST data an admin change (or add) page would send unchanged, with `changes` applied.

    Covers the main form and every inline formset, including their management forms."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            widget = bound.field.widget
            if hasattr(widget, "widgets"):  # e.g. the admin's split date and time inputs
                values = value if isinstance(value, list) else widget.decompress(value)
                for i, (part, part_value) in enumerate(zip(widget.widgets, values, strict=True)):
                    data[f"{bound.html_name}_{i}"] = part.format_value(part_value)
                continue
            data[bound.html_name] = "on" if value is True else value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
