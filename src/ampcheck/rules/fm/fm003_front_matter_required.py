"""FM003: a required front-matter field is missing or empty."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ampcheck.document.post import Post
from ampcheck.model import Violation
from ampcheck.rule import Rule


@dataclass(frozen=True, slots=True)
class Options:
    #: fields every post must set (in its front matter or through _config.yml defaults)
    fields: tuple[str, ...] = ("title",)


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, dict)):
        return not value
    return False


class FrontMatterRequired(Rule):
    code = "FM003"
    name = "front-matter-required"
    summary = "A required front-matter field is missing or empty"
    Options = Options

    def check(self, post: Post) -> Iterator[Violation]:
        fm = post.front_matter
        if fm is None or fm.data is None:
            return
        defaults: dict[str, Any] = {}
        if post.site is not None and post.file is not None:
            defaults = post.site.defaults_for(post.file)
        for name in self.options.fields:
            value = fm.data.get(name)
            # Jekyll merges the front matter over the defaults, keeping a default only
            # where the front matter's value is null: an explicit "" or [] wins.
            if value is None and not _empty(defaults.get(name)):
                continue
            if name not in fm.data:
                yield Violation(fm.start, fm.start + 3, f"required field '{name}' is missing")
            elif _empty(value):
                span = fm.keys.get(name)
                start, end = (span.start, span.value_end) if span else (fm.start, fm.start + 3)
                yield Violation(start, end, f"required field '{name}' is empty")
