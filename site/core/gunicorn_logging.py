"""Gunicorn's logger for this site: no access line, no address in the error log.

``gunicorn.conf.py`` names it as ``logger_class``; the scrubbing itself is
:mod:`safechildhood.core.log_privacy`, which Django's logging uses too.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from .log_privacy import ScrubAddressesFilter


class PrivateGunicornLogger(Logger):
    """Gunicorn's logger without the access log and with every error-log record scrubbed.

    ``gunicorn.conf.py`` names it as ``logger_class``. ``access_log``/``accesslog`` settings
    are ignored: an access line is the request and, in gunicorn's format, the address.
    """

    _filter = ScrubAddressesFilter()

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if self._filter not in log.filters:
                log.addFilter(self._filter)

    def _compute_access_log_enabled(self) -> bool:
        return False

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        """Never write an access line."""
