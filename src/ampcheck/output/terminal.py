"""The terminal: whether to color the output, and the progress line of a long run."""

from __future__ import annotations

import os
import time
from typing import TextIO

from ampcheck.printable import printable

#: a run over at least this many files shows its progress on a terminal's stderr
PROGRESS_MIN_FILES = 20


def use_color(choice: str | None, stream: TextIO) -> bool:
    """``--color``: ``always``/``never``; ``auto`` colors a terminal unless ``NO_COLOR``
    is set to anything (https://no-color.org) or ``TERM`` is ``dumb``."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


class Progress:
    """``[12/600] _posts/...`` on one line of a terminal, redrawn as files are checked
    (at most ten times a second, and always for the first and the last file)."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream = stream
        self.total = total
        self.drawn = False
        self.last = 0.0

    @classmethod
    def on_terminal(cls, stream: TextIO, total: int) -> Progress | None:
        """A progress line for a run over ``total`` files when ``stream`` is a terminal
        and the run is long enough to need one."""
        if total < PROGRESS_MIN_FILES or not getattr(stream, "isatty", lambda: False)():
            return None
        return cls(stream, total)

    def update(self, done: int, path: str) -> None:
        now = time.monotonic()
        if done not in (1, self.total) and now - self.last < 0.1:
            return
        self.last = now
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns
        text = f"[{done:>{len(str(self.total))}}/{self.total}] {printable(path)}"
        self.stream.write("\r\x1b[K" + text[: max(width - 1, 10)])
        self.stream.flush()
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False
