"""Wagtail's database search backend with Russian word forms on SQLite too.

On PostgreSQL the backend's "russian" configuration stems words in the index and
in the query, so «травля» finds «травли» and «травлю». SQLite's FTS5 only splits
words: «травля» would find «травля» alone. Here every word of a query becomes its
Snowball stem searched as a prefix (``"травл"*``), which finds the same forms
PostgreSQL finds (Snowball is the stemmer PostgreSQL uses), plus a few extra words
that share the prefix; Latin words get the English stemmer, as PostgreSQL's
configuration does. FTS5 folds case; «ё» and «е» are tried both ways. Stop words
(«в», «и», «для»…) are dropped as PostgreSQL drops them: a word that is in every
document must not be required.

Used by ``WAGTAILSEARCH_BACKENDS`` on SQLite (``site/settings/base.py``); on any
other database this module hands over to Wagtail's own backend.
"""

from __future__ import annotations

from functools import reduce

from modelsearch.backends.database import SearchBackend as wagtail_database_backend
from modelsearch.backends.database.sqlite.query import (
    CombinedLexeme,
    Lexeme,
    SearchQueryExpression,
)
from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import PlainText

from .stemming import query_stems, spellings


class AnyOf(CombinedLexeme):
    """``("зелен"* OR "зелён"*)``: FTS5's AND binds tighter than OR, so the bracket."""

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        return sql, [f"({params[0]})"]


def _word(stem: str):
    lexemes = [Lexeme(variant, prefix=True) for variant in spellings(stem)]
    return reduce(lambda a, b: AnyOf(a, "OR", b), lexemes)


class RussianSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    """Plain-text queries as AND-ed stem prefixes; everything else as Wagtail does it."""

    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText):
            stems = query_stems(query.query_string)
            if not stems:  # no word at all («*»): as Wagtail does it
                return super().build_search_query_content(query, config=config)
            lexemes = [_word(stem) for stem in stems]
            if query.operator.upper() == "OR":
                combined = reduce(lambda a, b: a | b, lexemes)
            else:
                combined = reduce(lambda a, b: a & b, lexemes)
            return SearchQueryExpression(combined, config=config)
        return super().build_search_query_content(query, config=config)


class RussianSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = RussianSQLiteQueryCompiler


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for)
    """Ours on SQLite with FTS5; otherwise whatever Wagtail's database backend picks."""
    backend = wagtail_database_backend(params)
    if isinstance(backend, SQLiteSearchBackend):
        return RussianSQLiteSearchBackend(params)
    return backend
