"""Elasticsearch 8 for the site-wide search and the apps' word matching (the registry's).

Used only when ``ELASTICSEARCH_URL`` is set (``SEARCH_ENGINE`` then names
:class:`search.elastic.engine.ElasticEngine`); otherwise nothing here runs and the
database engine answers. The parts:

- ``connection``: the client from settings, index and alias names;
- ``documents``: the shape every document shares (each source builds its own:
  ``SearchSource.document``), and each language's analysis (Russian stemming with
  ё folded into е);
- ``queries``: the ``elasticsearch_dsl.Search`` objects the engine sends;
- ``indexing``: keeping the indices current from Wagtail's signals, through a
  background task that retries when Elasticsearch is away;
- ``engine``: the :class:`search.engine.SearchEngine` that answers, and falls back to
  the database when Elasticsearch does not.

``manage.py search_index [--rebuild] [--language ru]`` builds the indices.
"""
