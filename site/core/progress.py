"""Progress of long management commands: a bar in a terminal, plain lines elsewhere.

An import of thousands of services or a full search-index rebuild runs for
minutes; without a sign of life an operator stops it half way. In a terminal
``tqdm`` draws a bar (count, rate, time left); in a log, cron mail or CI (stdout
not a terminal) there is no bar's carriage-return noise, only a line every tenth
of the way. Both end with the command's summary.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

from django.utils.translation import gettext as _
from tqdm import tqdm

T = TypeVar("T")
PLAIN_LINES = 10  # plain output: about this many progress lines in all


def _is_terminal(stdout: object) -> bool:
    isatty = getattr(stdout, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or odd stream is not a terminal
        return False


class Progress:
    """Count done items of ``total`` under ``label``; :meth:`finish` prints the summary.

    ``stdout`` is a command's ``self.stdout`` (Django's ``OutputWrapper``) or any
    text stream. Use as a context manager so that the bar is closed on errors too.
    """

    def __init__(self, stdout: IO[str], total: int | None, label: str) -> None:
        self.stdout = stdout
        self.total = total
        self.label = label
        self.done = 0
        self.started = time.monotonic()
        self.every = max(1, (total or 0) // PLAIN_LINES) if total else 100
        self.bar: tqdm | None = None
        if _is_terminal(stdout):
            stream = getattr(stdout, "_out", stdout)  # the wrapper would add newlines
            self.bar = tqdm(
                total=total, desc=label, file=stream, dynamic_ncols=True, mininterval=0.2
            )
        else:
            self._line(
                _("%(label)s: начало, всего %(total)s")
                % {
                    "label": label,
                    "total": total if total is not None else "?",
                }
            )

    def _line(self, text: str) -> None:
        self.stdout.write(text if text.endswith("\n") else text + "\n")

    def advance(self, count: int = 1) -> None:
        """``count`` more items done."""
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif self.done % self.every < count or self.done == self.total:
            total = f"/{self.total}" if self.total is not None else ""
            self._line(f"{self.label}: {self.done}{total}")

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Each item of ``items``, counted once the caller has handled it."""
        for item in items:
            yield item
            self.advance()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def finish(self, *summary: str) -> None:
        """Close the bar and print the closing summary: the lines given, and the time."""
        self.close()
        for text in summary:
            self._line(text)
        self._line(
            _("%(label)s: готово, %(done)d за %(seconds).1f с")
            % {"label": self.label, "done": self.done, "seconds": time.monotonic() - self.started}
        )

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
