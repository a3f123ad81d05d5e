"""The claims of the provider's users: standard ones, and an `escalade` scope with the
organisation key and the groups (from users.json in the provider's directory)."""

import json

from django.conf import settings
from oidc_provider.lib.claims import ScopeClaims


def profile(user) -> dict:
    return json.loads((settings.STATE / "users.json").read_text())[user.username]


def userinfo(claims, user):
    p = profile(user)
    claims.update(name=p.get("name", ""), preferred_username=user.username, email=p.get("email", ""),
                  email_verified=p.get("email_verified", True))
    return claims


class EscaladeScopeClaims(ScopeClaims):
    info_escalade = ("Escalade", "Your organisation and groups.")

    def scope_escalade(self):
        p = profile(self.user)
        return {"escalade_organisation": p.get("organisation"), "groups": p.get("groups", [])}
