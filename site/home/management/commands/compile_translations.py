"""Compile every `locale/**/*.po` into `.mo` with polib: no GNU gettext needed.

Django's own `compilemessages` calls `msgfmt`, which a fresh machine may lack;
`make run`, `make test` and the Docker build call this instead.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile .po translation catalogues to .mo without GNU gettext."
    # Like Django's compilemessages: no system checks, so that the image's build step runs
    # without the production settings that the checks ask for (EMAIL_URL and the like).
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [Path(settings.BASE_DIR) / "site", Path(settings.BASE_DIR) / "search"]
        compiled = 0
        for root in roots:
            for po_path in sorted(root.glob("**/LC_MESSAGES/*.po")):
                if ".venv" in po_path.parts:
                    continue
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
        self.stdout.write(f"Compiled {compiled} catalogue(s).")
