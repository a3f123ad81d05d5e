"""Run the test provider: `python -m tests.oidc_provider.serve PORT` with OIDC_TEST_PROVIDER_DIR
holding config.json (client and redirect URIs) and users.json. Prints `ready` once it listens."""

import json
import os
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402
from waitress import create_server  # noqa: E402


def prepare() -> None:
    config = json.loads((settings.STATE / "config.json").read_text())
    users = json.loads((settings.STATE / "users.json").read_text())
    call_command("migrate", verbosity=0)
    call_command("creatersakey", verbosity=0)
    for username, profile in users.items():
        User.objects.create_user(username, email=profile.get("email", ""), password=profile["password"])
    client = Client.objects.create(
        name="Escalade", client_type="confidential", client_id=config["client_id"],
        client_secret=config["client_secret"], jwt_alg="RS256", require_consent=False, reuse_consent=True,
        _redirect_uris="\n".join(config["redirect_uris"]))
    client.response_types.add(ResponseType.objects.get(value="code"))


def main() -> None:
    port = int(sys.argv[1])
    prepare()
    from django.core.wsgi import get_wsgi_application

    server = create_server(get_wsgi_application(), host="127.0.0.1", port=port, threads=4)
    print("ready", flush=True)  # noqa: T201  (provider.start() waits for this line)
    server.run()


if __name__ == "__main__":
    main()
