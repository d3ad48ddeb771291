"""EN001: UTF-8 text that was decoded with an 8-bit code page (Mac Roman, Windows-1252,
Latin-1, Windows-1250/1251/1253/1254/1257, ISO-8859-2, cp437)."""

from __future__ import annotations

from collections.abc import Iterator

from ampcheck.document.post import Post
from ampcheck.model import Edit, Fix, FixAvailability, Violation
from ampcheck.rule import Rule
from ampcheck.rules.en.mojibake import Repair, about_mojibake, find_mojibake


def mojibake(post: Post) -> list[Repair]:
    """The post's damaged spans (shared with EN004, which leaves them to this rule)."""
    return post.memo("mojibake", _find)


def _find(post: Post) -> list[Repair]:
    """Damage in code counts only when the post is damaged outside code too: a post
    that explains mojibake shows it in code on purpose. In a post about damaged text
    (mojibake, 乱码), damage whose repair (a word, not punctuation) the post also shows
    intact is an example too."""
    found = find_mojibake(post.text)
    if found and about_mojibake(post.text):
        intact: dict[str, bool] = {}  # one look through the text for each repair
        found = [r for r in found if not _shown_intact(r, post.text, intact)]
    outside = [r for r in found if not post.in_code(r.start)]
    return found if outside else []


def _shown_intact(repair: Repair, text: str, known: dict[str, bool]) -> bool:
    """The repaired text has a letter (not only punctuation such as ’, which any
    post holds) and stands intact elsewhere in the post (``known``: the answers so far)."""
    repaired = repair.repaired
    if repaired not in known:
        known[repaired] = any(ch.isalpha() for ch in repaired) and repaired in text
    return known[repaired]


def shown(text: str) -> str:
    """Text for a message: invisible characters as escapes, long text shortened."""
    out = "".join(
        ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"
        for ch in text
    )
    return out if len(out) <= 60 else out[:57] + "..."


class Mojibake(Rule):
    code = "EN001"
    name = "mojibake"
    summary = "UTF-8 text decoded with an 8-bit code page such as Windows-1252 (mojibake)"
    fixable = FixAvailability.ALWAYS

    def check(self, post: Post) -> Iterator[Violation]:
        first = 1 if post.has_bom else 0
        for r in mojibake(post):
            edit = Edit(r.start, r.end, r.repaired)
            damaged = f"mojibake: '{shown(r.original)}'"
            if not r.marks:
                yield Violation(
                    r.start,
                    r.end,
                    f"{damaged} is '{shown(r.repaired)}' decoded as {r.codec}",
                    Fix.safe(f"restore '{shown(r.repaired)}'", edit),
                )
            elif r.repaired:
                yield Violation(
                    r.start,
                    r.end,
                    f"{damaged} is a UTF-8 byte order mark and '{shown(r.repaired)}' decoded "
                    f"as {r.codec}: the fix restores '{shown(r.repaired)}' and removes the "
                    "mark, which carries no text",
                    Fix.safe(f"restore '{shown(r.repaired)}' without the byte order mark", edit),
                )
            else:
                if r.start != first:
                    where = "inside the text (where files were joined), where it shows as text"
                elif post.text.startswith("---", r.end):
                    where = "before the front matter, which Jekyll then does not see"
                else:
                    where = "at the start of the file, where it shows as text"
                yield Violation(
                    r.start,
                    r.end,
                    f"{damaged} is a UTF-8 byte order mark decoded as {r.codec}, {where}: "
                    "the fix removes it, since the mark carries no text",
                    Fix.safe("remove the damaged byte order mark", edit),
                )
