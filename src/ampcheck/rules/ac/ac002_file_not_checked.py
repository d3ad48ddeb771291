"""AC002: a file ampcheck was asked to check could not be checked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ampcheck.engine.files import NOT_CHECKED_CODE
from ampcheck.model import FixAvailability, Severity, Violation
from ampcheck.rule import Rule

if TYPE_CHECKING:
    from ampcheck.document.post import Post


class FileNotChecked(Rule):
    """Reported by the runner (``ampcheck.engine.runner``) for a file it cannot read
    or that is not a post: such a file has no text, so there is nothing for
    :meth:`check` to look at. Selecting or ignoring this rule decides whether such
    files are reported."""

    code = NOT_CHECKED_CODE
    name = "file-not-checked"
    summary = "A file could not be checked: unreadable, not a regular file, too large or binary"
    severity = Severity.ERROR
    fixable = FixAvailability.NONE

    def check(self, post: Post) -> Iterator[Violation]:
        return iter(())
