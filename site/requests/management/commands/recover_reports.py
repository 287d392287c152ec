"""Give readers the report keys they are waiting for, with the offline escrow key.

After an administrator reset someone's password (their old key pair is lost), or when a
report's readers are all away: the operator brings the escrow private key on a file or
on stdin (``-``) for the time of this command. See README «Восстановление доступа».
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from safechildhood.core import keys
from safechildhood.requests import recovery


class Command(BaseCommand):
    help = "Seal report keys to waiting readers with the escrow private key (file or '-')."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--escrow-key-file", required=True, help="File, or - for stdin.")
        parser.add_argument("--user", help="Only this user name (their reports are queued).")
        parser.add_argument("--report", type=int, action="append", help="Only these reports.")

    def read_key(self, source: str) -> bytes:
        text = sys.stdin.readline() if source == "-" else Path(source).read_text()
        try:
            private = keys.unb64(text.strip())
        except keys.CryptoError as exc:
            raise CommandError("That is not an escrow private key.") from exc
        if len(private) != keys.KEY_BYTES:
            raise CommandError("That is not an escrow private key.")
        try:
            recovery.check_escrow_key(private)
        except recovery.WrongEscrowKey as exc:
            raise CommandError(
                "This private key does not match REPORTS_ESCROW_PUBLIC_KEY."
            ) from exc
        return private

    def handle(self, *args, escrow_key_file: str, user=None, report=None, **options) -> None:
        private = self.read_key(escrow_key_file)
        target = None
        if user:
            target = get_user_model().objects.filter(username=user).first()
            if target is None:
                raise CommandError(f"No user {user!r}.")
        granted = recovery.grant_pending_with_escrow(private, user=target, report_ids=report)
        self.stdout.write(self.style.SUCCESS(f"Granted {granted} report keys."))
