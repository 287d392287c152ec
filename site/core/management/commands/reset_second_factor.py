"""`manage.py reset_second_factor USERNAME`: the operator's way back in.

When the only people who could reset a colleague's factor in the admin have lost theirs
too, someone with a shell on the server removes a user's second factor here. The next
sign-in with the password asks to connect an app again. Audited like a reset in the admin
(with no acting user: the command line has none).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safechildhood.core.signin import audit, devices, throttle


class Command(BaseCommand):
    help = "Remove a user's second factor (app, recovery codes, passkeys) and lift any hold."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()  # noqa: N806
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = devices.remove_all(user)
        throttle.lift(user.get_username())
        if removed:
            audit.log_account(user, audit.RESET, None, via="command")
            self.stdout.write(
                f"Second factor of {username!r} removed; the next sign-in sets up an app."
            )
        else:
            self.stdout.write(f"{username!r} has no second factor.")
