"""`escalade manage unlock_sign_in USERNAME [--address IP]`: lift a sign-in lockout."""

from django.core.management.base import BaseCommand

from escalade.accounts import signin


class Command(BaseCommand):
    help = "Let an account (and optionally an address) sign in again after too many failed attempts."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--address", default="", help="also lift the lockout of this client address")

    def handle(self, *args, username, address, **options):
        lifted = signin.unlock(username, address=address, actor="system: unlock_sign_in")
        self.stdout.write(f"{username}: " + ("lockout lifted" if lifted else "was not locked out"))
