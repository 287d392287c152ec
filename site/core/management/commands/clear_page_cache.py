"""``manage.py clear_page_cache``: forget every cached page now.

Editors never need it (publishing does it). It is for changes made around the
admin: a data fix in SQL, a script, a restored backup.
"""

from django.core.management.base import BaseCommand

from safechildhood.core.pagecache.invalidation import new_generation


class Command(BaseCommand):
    help = "Forget every page the page cache holds (all workers, all languages)."

    def handle(self, *args, **options) -> None:
        new_generation()
        self.stdout.write("Cached pages forgotten.")
