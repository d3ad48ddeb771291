"""The base class every rule derives from, built-in or from a plugin.

A rule is a small class with metadata and a :meth:`Rule.check` generator::

    class NoTodo(Rule):
        code = "XY001"
        name = "no-todo"
        summary = "A post still says TODO"

        def check(self, post: Post) -> Iterator[Violation]:
            for match in re.finditer("TODO", post.text):
                yield Violation(match.start(), match.end(), "TODO left in the post")

Options are a frozen dataclass assigned to ``Options``; configuration keys are the
field names in kebab-case, and values are checked against the field types before
any post is linted.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from ampcheck.model import FixAvailability, Severity, Violation

if typing.TYPE_CHECKING:
    from ampcheck.document.post import Post

CODE_RE = re.compile(r"^[A-Z]{1,4}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class OptionError(ValueError):
    """A configured option has an unknown name or a value of the wrong type."""


@dataclasses.dataclass(frozen=True, slots=True)
class NoOptions:
    """The options of a rule that has none."""


class Phase(enum.Enum):
    """When the linter runs a rule: on the post (``check``), or after every other rule,
    on the post's suppressions and what they suppressed (``check_suppressions`` of
    :class:`ampcheck.engine.suppressions.SuppressionRule`)."""

    POST = "post"
    SUPPRESSIONS = "suppressions"


class Rule:
    """Base class of all rules.

    Class attributes (metadata):

    - ``code``: a short uppercase prefix and three digits, e.g. ``FM001``.
    - ``name``: kebab-case ``subject-problem``, e.g. ``front-matter-missing``.
    - ``summary``: one line, shown by ``--list-rules``.
    - ``severity``: the default :class:`Severity`.
    - ``fixable``: a :class:`FixAvailability`; rules that never fix say ``NONE``.
    - ``enabled_by_default``: ``False`` for opinionated rules users opt into.
    - ``Options``: a frozen dataclass of the rule's options with their defaults.
    - ``doc``: the rule's Markdown document, for rules that do not ship one in the
      rule book (plugins); ``ampcheck --explain CODE`` prints it.
    - ``phase``: when the linter runs it (:class:`Phase`; ``POST`` for all but the
      rules that judge suppressions).

    An instance holds its resolved options in ``self.options``.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[FixAvailability] = FixAvailability.NONE
    enabled_by_default: ClassVar[bool] = True
    Options: ClassVar[type[Any]] = NoOptions
    doc: ClassVar[str | None] = None
    phase: ClassVar[Phase] = Phase.POST

    def __init__(self, options: Any = None) -> None:
        self.options: Any = options if options is not None else self.Options()

    def check(self, post: Post) -> Iterator[Violation]:
        """Yield every violation of this rule in ``post``.

        Offsets are characters in ``post.text``. A fix, if any, is attached to the
        violation it repairs.
        """
        raise NotImplementedError

    @classmethod
    def parse_options(cls, raw: Mapping[str, Any]) -> Any:
        """Build ``cls.Options`` from configuration, raising :class:`OptionError`."""
        fields = {f.name: f for f in dataclasses.fields(cls.Options)}
        hints = typing.get_type_hints(cls.Options)
        values: dict[str, Any] = {}
        for key, value in raw.items():
            attr = key.replace("-", "_")
            if attr not in fields:
                known = ", ".join(sorted(f.replace("_", "-") for f in fields)) or "none"
                raise OptionError(f"{cls.code}: unknown option {key!r} (options: {known})")
            values[attr] = _coerce(f"{cls.code}.{key}", value, hints[attr])
        return cls.Options(**values)

    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        """The options and their default values, keys in kebab-case."""
        opts = cls.Options()
        return {f.name.replace("_", "-"): getattr(opts, f.name) for f in dataclasses.fields(opts)}


def _coerce(where: str, value: Any, hint: Any) -> Any:
    """Check ``value`` against a simple type hint; lists become tuples."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            try:
                return _coerce(where, value, arg)
            except OptionError:
                continue
        raise OptionError(f"{where}: {_short(value)} is not a valid value ({_describe(hint)})")
    if hint is type(None):
        if value is None:
            return None
        raise OptionError(f"{where}: expected nothing, got {_short(value)}")
    if origin is tuple:
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            raise OptionError(f"{where}: expected a list, got {_short(value)}")
        item = args[0] if args else Any
        return tuple(_coerce(where, v, item) for v in value)
    if hint is Any:
        return value
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise OptionError(f"{where}: expected true or false, got {_short(value)}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise OptionError(f"{where}: expected a whole number, got {_short(value)}")
    if hint is float:
        # nan compares false with everything: no setting means it
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            return float(value)
        raise OptionError(f"{where}: expected a number, got {_short(value)}")
    if hint is str:
        if isinstance(value, str):
            return value
        raise OptionError(f"{where}: expected a string, got {_short(value)}")
    raise OptionError(f"{where}: unsupported option type {hint!r}")


def _describe(hint: Any) -> str:
    return str(hint).replace("typing.", "")


def check_rule_class(rule: type[Rule]) -> None:
    """Raise ``ValueError`` when a rule class's metadata is malformed."""
    where = getattr(rule, "__qualname__", repr(rule))
    for attr in ("code", "name", "summary"):
        if not isinstance(getattr(rule, attr, None), str):
            raise ValueError(f"rule {where} has no {attr}")
    if not CODE_RE.match(rule.code):
        raise ValueError(f"rule {where}: code {rule.code!r} is not PREFIX + three digits")
    if not NAME_RE.match(rule.name):
        raise ValueError(f"rule {where}: name {rule.name!r} is not kebab-case")
    if not dataclasses.is_dataclass(rule.Options):
        raise ValueError(f"rule {where}: Options must be a dataclass")


def _short(value: Any) -> str:
    """``repr(value)`` cut to a line's length (an option may hold a whole file)."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."
