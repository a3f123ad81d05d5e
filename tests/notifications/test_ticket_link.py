"""The ticket link in messages is written without the URLconf (a worker need not import every view
for it), and is the portal's ticket page as the URLconf names it."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from escalade.notifications.notify import ticket_url


@pytest.mark.parametrize("number", ["ACME-000123", "T-1", "SR 7ä", "a:b@c(1)"])
def test_ticket_link_is_the_portal_ticket_page(settings, number):
    settings.SITE_URL = "https://support.example.com/"
    ticket = SimpleNamespace(number=number)
    assert ticket_url(ticket) == "https://support.example.com" + reverse("portal:ticket", args=[number])


@pytest.mark.parametrize("number", ["", "SR 7/8"])
def test_ticket_link_is_the_site_for_a_number_no_page_can_have(settings, number):
    settings.SITE_URL = "https://support.example.com/"
    assert ticket_url(SimpleNamespace(number=number)) == "https://support.example.com/"
