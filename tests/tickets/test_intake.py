"""The information a policy requires of a new ticket (`intake`; VIOE 8.4, Mirrored Storage "Best
Practices for Contacting Support"): open_ticket refuses an intake ticket without it, naming the
field, per category; tickets the system opens are not refused."""

from __future__ import annotations

import pytest

from escalade.errors import DomainError
from escalade.orgs.access import Viewer
from escalade.policy.publish import active_version, apply_policy
from escalade.tickets import services
from tests.mail.conftest import ROOT


@pytest.fixture
def mirrored(world):
    text = (ROOT / "examples" / "policies" / "mirrored-storage.yaml").read_text(encoding="utf-8")
    return apply_policy(text, filename="examples/policies/mirrored-storage.yaml", actor="test")[0]


def open_(world, **kwargs):
    kwargs.setdefault("description", "The NAS is unreachable.")
    return services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="NAS down",
                                intake=True, **kwargs)


def test_a_ticket_without_the_required_affected_users_is_refused_naming_the_field(world, mirrored):
    with pytest.raises(DomainError) as info:
        open_(world)
    assert info.value.field == "affected_users"
    assert "who is affected" in info.value.message
    assert not world.acme.tickets.filter(subject="NAS down").exists()


def test_a_ticket_with_the_required_information_opens(world, mirrored):
    ticket = open_(world, affected_users="The whole finance team")
    assert ticket.affected_users == "The whole finance team"


def test_a_blank_answer_does_not_count_as_given(world, mirrored):
    with pytest.raises(DomainError) as info:
        open_(world, affected_users="   ")
    assert info.value.field == "affected_users"


def test_a_category_with_its_own_list_needs_only_that(world, mirrored):
    ticket = open_(world, category="question")
    assert ticket.category == "question"


def test_the_description_is_always_required(world, mirrored):
    with pytest.raises(DomainError) as info:
        open_(world, description=" ", category="question")
    assert info.value.field == "description"


def test_tickets_opened_without_intake_are_not_refused(world, mirrored):
    ticket = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="From a script",
                                  description="x")
    assert ticket.pk and ticket.affected_users == ""


def test_required_information_follows_the_policy_and_category(world, mirrored):
    version = active_version()
    assert services.required_information(version) == ("description", "affected_users")
    assert services.required_information(version, "billing") == ("description",)
    assert services.required_information(None) == ("description",)


def test_missing_information_lists_required_then_asked_for_in_words(world, mirrored):
    ticket = services.open_ticket(Viewer.of(world.alice.user), organisation=world.acme, subject="x",
                                  description="y", error_messages="E42")
    assert services.missing_information(ticket) == ["who is affected (how many users, which sites or systems)"]
    ticket.error_messages = ""
    assert services.missing_information(ticket)[-1] == "any error messages, exactly as shown"
