"""Keep report content out of logs even at DEBUG level.

When a template variable is missing, Django's template engine logs, at DEBUG, an
exception whose message is the *whole template context* — on the report pages that
is what the reporter typed. This filter (attached to the ``django.template`` logger
in settings) drops those records; nothing else is lost.
"""

import logging


class DropTemplateContext(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Exception while resolving variable")
