"""A knowledge base on top of the test world, with an article for every audience, so the other
side of each boundary is always there."""

from __future__ import annotations

from types import SimpleNamespace

from escalade.kb import services
from escalade.kb.models import Kind, Visibility
from escalade.orgs.access import Viewer


def build_kb(world) -> SimpleNamespace:
    vera = Viewer.of(world.vera.user)
    network = services.create_category(vera, name="Network and VPN", order=1)
    accounts = services.create_category(vera, name="Accounts", order=2)

    def article(title, body, *, publish=True, **kwargs):
        a = services.create_article(vera, title=title, body=body, **kwargs)
        return services.publish_article(vera, a) if publish else a

    kb = SimpleNamespace(network=network, accounts=accounts)
    kb.public = article("Reset your password", "Use the **Forgot password** link on the sign-in page.",
                        category=accounts, visibility=Visibility.PUBLIC)
    kb.vpn_issue = article("VPN drops every few minutes", "Client 4.1 loses the tunnel. Workaround: use client 4.0.",
                           category=network, kind=Kind.KNOWN_ISSUE, issue_status="workaround")
    kb.acme_only = article("Acme single sign-on setup", "Acme signs in through its own identity provider.",
                           category=accounts, organisations=[world.acme])
    kb.initech_only = article("Initech printer driver pinning", "Initech keeps printer driver 3.2 on every desk.",
                              organisations=[world.initech])
    kb.internal = article("VPN concentrator runbook", "Restart the concentrator from the management VLAN.",
                          category=network, visibility=Visibility.INTERNAL)
    kb.draft = article("VPN client 5.0 release notes", "Coming soon: the new VPN client.", category=network,
                       publish=False)
    return kb
