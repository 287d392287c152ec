"""Build the Elasticsearch indices: ``manage.py search_index [--rebuild] [--language ru]``.

Without ``--rebuild``: create a language's index if there is none, then (re)index
every live, public object of every source (information pages, news articles,
services…) into it. Documents of
objects that are no longer public stay until the next rebuild (the signal handlers
remove them as editors act; this command only adds and refreshes).

With ``--rebuild``: fill a new index next to the current one, point the alias at it
in one atomic step and delete the old one: visitors search the old index until the
new one is complete (zero downtime), and nothing stale survives. Updates made by
editors while a rebuild runs go to the old index; the rebuild reads the database
at the same moment, so at most those few are missed until the next run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from safechildhood.core.progress import Progress
from search.elastic import connection, indexing


class Command(BaseCommand):
    help = "Create the Elasticsearch indices and index every source's public objects."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Build new indices and switch the aliases to them (zero downtime).",
        )
        parser.add_argument(
            "--language",
            choices=connection.languages(),
            help="Only this language's index (default: every language of the site).",
        )

    def handle(self, *args, rebuild: bool = False, language: str | None = None, **options) -> None:
        if not connection.is_configured():
            raise CommandError(
                "ELASTICSEARCH_URL is not set: the site searches with its database and there "
                "is nothing to index. Set ELASTICSEARCH_URL (e.g. http://localhost:9200)."
            )
        client = self._client()
        for code in [language] if language else connection.languages():
            try:
                if rebuild:
                    self._rebuild(client, code)
                else:
                    self._update(client, code)
            except connection.ELASTIC_ERRORS as exc:
                raise CommandError(
                    f"Elasticsearch at {connection.safe_url()} failed while indexing "
                    f"{code!r}: {type(exc).__name__}: {exc}"
                ) from exc

    def _client(self):
        try:
            client = connection.get_client()
            info = client.info()
        except connection.ELASTIC_ERRORS as exc:
            raise CommandError(
                f"Elasticsearch at {connection.safe_url()} does not answer "
                f"({type(exc).__name__}: {exc}). Is it running, and is ELASTICSEARCH_URL right?"
            ) from exc
        version = info.body.get("version", {}).get("number", "?")
        self.stdout.write(f"Elasticsearch {version} at {connection.safe_url()}")
        return client

    def _progress(self, language: str) -> Progress:
        """The shared bar (``core.progress``) over the language's public objects."""
        total = indexing.count_public_objects(language)
        return Progress(self.stdout, total, connection.index_alias(language))

    def _index_public(
        self, client, language: str, index: str | None = None
    ) -> tuple[Progress, int]:
        """Write every public object of the language (into `index`, or the alias) under the
        shared bar: a rebuild and an update index the same objects, only the target differs."""
        with self._progress(language) as progress:
            count = indexing.bulk_index(
                progress.track(indexing.public_objects(language)),
                language=language,
                index=index,
                refresh=True,
                client=client,
            )
        return progress, count

    def _rebuild(self, client, language: str) -> None:
        name = indexing.create_index(language, client)
        try:
            progress, count = self._index_public(client, language, index=name)
            old = indexing.switch_alias(language, name, client)
        except BaseException:
            indexing.delete_indices([name], client)  # the alias still points at the old one
            raise
        indexing.delete_indices(old, client)
        progress.finish(
            self.style.SUCCESS(
                f"{connection.index_alias(language)} → {name}: {count} documents"
                + (f" (deleted {', '.join(old)})" if old else "")
            )
        )

    def _update(self, client, language: str) -> None:
        name = indexing.ensure_index(language, client)
        progress, count = self._index_public(client, language)
        progress.finish(
            self.style.SUCCESS(f"{connection.index_alias(language)} ({name}): {count} documents")
        )
