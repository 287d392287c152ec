"""Make the escrow key pair: the public half for the environment, the private half once.

The key ceremony (README «Ключ восстановления»): run it on an offline computer, put the
public half in REPORTS_ESCROW_PUBLIC_KEY, keep the private half offline (printed, and on
two media in two places). The server never stores the private half.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safechildhood.core import keys


class Command(BaseCommand):
    help = "Create the escrow key pair for sealed reports; prints the private half once."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--private-key-file",
            help="Write the private half to this new file (mode 600) instead of printing it.",
        )

    def handle(self, *args, private_key_file: str | None = None, **options) -> None:
        public, private = keys.new_keypair()
        secret = keys.b64(private)
        if private_key_file:
            path = Path(private_key_file)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError as exc:
                raise CommandError(f"{path} exists: not overwritten.") from exc
            with os.fdopen(fd, "w") as handle:
                handle.write(secret + "\n")
            self.stdout.write(f"Private half written to {path}: move it offline now.")
        else:
            self.stdout.write("PRIVATE half (shown once; keep it offline, never on the server):")
            self.stdout.write(secret)
        self.stdout.write("Put this in the server's environment:")
        self.stdout.write(f"REPORTS_ESCROW_PUBLIC_KEY={public}")
