"""Scheduled publishing moved to :mod:`safechildhood.core.publishing` (it serves every app).

Runs queued before the move name ``safechildhood.news.tasks.publish_scheduled_content``
in the task table; this name lets the worker still find their task. Remove once no
such row is left (a run plans the next one under the new name).
"""

from safechildhood.core.publishing import publish_scheduled_content

__all__ = ["publish_scheduled_content"]
