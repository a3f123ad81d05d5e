"""`escalade manage create_api_token USERNAME [--name NAME]`: issue an API token and print it once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from escalade.api.tokens import issue_token


class Command(BaseCommand):
    help = "Issue an API token for USERNAME and print it. It is shown only this once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="What the token is for (default: api).")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive")
        try:
            key = issue_token(user, name, actor=f"system: create_api_token for {username}")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(key)
        self.stderr.write(f"Token {key[:12]}… for {username} ({name}). Store it now: it is not shown again.")
