"""Build ampcheck's AMP validator table from the AMP validator's rule files.

    python scripts/amp_table.py DIR [--date YYYY-MM-DD]  # writes the table
    python scripts/amp_table.py --readme                 # prints the README table

DIR holds copies of the rule files of ampproject/amphtml (Apache-2.0), at their paths
in that repository: ``validator/validator-main.protoascii`` and
``extensions/<name>/validator-<name>.protoascii``. A file ``DIR/SOURCES`` may name the
commit each file was copied from (``<path> <commit>`` per line); the table records it.

The rule files are protocol buffers in text format (``validator/validator.proto`` is
their schema); the subset they use (fields, nested messages, strings split over
lines, enum names, numbers, booleans, ``#`` comments) is read by the small tokenizer
below. The table keeps, for every tag spec of the AMP format that can stand in a
post's body, what ampcheck checks; its output is sorted so that a new validator
release shows as a reviewable diff of the table.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "src" / "ampcheck" / "data" / "amp_validator.json"
FORMAT = 1

# -- the text format -----------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""\s+|\#[^\n]*|(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<punct>[{}:\[\],;<>])|(?P<word>[A-Za-z0-9_.+\-$]+)"""
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'"}

Message = dict[str, list[Any]]


class ProtoError(ValueError):
    """A rule file this reader cannot read."""


def _unescape(quoted: str) -> str:
    body = quoted[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pairs: ``str`` (unescaped), ``punct`` or ``word``."""
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            line = text.count("\n", 0, pos) + 1
            raise ProtoError(f"line {line}: cannot read {text[pos : pos + 20]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind == "str":
            yield kind, _unescape(m.group(kind))
        elif kind is not None:
            yield kind, m.group(kind)


def parse(text: str) -> Message:
    """A message: each field name to the list of its values (strings, words, messages)."""
    toks = list(tokens(text))
    message, end = _message(toks, 0, top=True)
    if end != len(toks):
        raise ProtoError(f"unexpected {toks[end][1]!r}")
    return message


def _message(toks: list[tuple[str, str]], i: int, top: bool) -> tuple[Message, int]:
    fields: Message = {}
    while i < len(toks):
        kind, text = toks[i]
        if kind == "punct" and text == "}" and not top:
            return fields, i + 1
        if kind != "word":
            raise ProtoError(f"a field name expected, not {text!r}")
        i += 1
        if toks[i] == ("punct", ":"):
            i += 1
        if toks[i] == ("punct", "{"):
            value, i = _message(toks, i + 1, top=False)
            fields.setdefault(text, []).append(value)
            continue
        kind, value_text = toks[i]
        if kind == "str":  # adjacent strings are one string
            parts = []
            while i < len(toks) and toks[i][0] == "str":
                parts.append(toks[i][1])
                i += 1
            fields.setdefault(text, []).append("".join(parts))
        else:
            fields.setdefault(text, []).append(value_text)
            i += 1
        if i < len(toks) and toks[i] in (("punct", ","), ("punct", ";")):
            i += 1
    if not top:
        raise ProtoError("a message is not closed")
    return fields, i


# -- from tag specs to the table -------------------------------------------------------

# Tags a post's body cannot hold, or that are no part of a page (reference points).
_NOT_BODY = {"$REFERENCE_POINT", "SCRIPT", "HTML", "HEAD", "BODY", "STYLE", "!DOCTYPE"}
_BODY_ANCESTORS = {"HEAD", "$ROOT", "HTML", "!DOCTYPE"}


def _one(msg: Message, key: str, default: Any = None) -> Any:
    values = msg.get(key)
    return values[-1] if values else default


def _flag(msg: Message, key: str) -> bool:
    return _one(msg, key) == "true"


def _names_list(text: str) -> list[str]:
    """``"['src', 'srcdoc']"`` as a list."""
    value = ast.literal_eval(text)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProtoError(f"not a list of names: {text!r}")
    return value


def attr_spec(msg: Message) -> dict[str, Any]:
    """What ampcheck keeps of an AttrSpec (empty keys left out)."""
    spec: dict[str, Any] = {"name": _one(msg, "name").lower()}
    for key in ("mandatory", "implicit"):
        if _flag(msg, key):
            spec[key] = True
    for key in ("value", "value_casei", "alternative_names", "requires_extension"):
        if key in msg:
            spec[key] = [v.lower() if key == "alternative_names" else v for v in msg[key]]
    for key in ("value_regex", "value_regex_casei", "dispatch_key", "deprecation"):
        if key in msg:
            spec[key] = _one(msg, key)
    disallowed = _one(msg, "disallowed_value_regex") or _one(msg, "blacklisted_value_regex")
    if disallowed is not None:
        spec["disallowed_value_regex"] = disallowed
    for key in ("mandatory_oneof", "mandatory_anyof"):
        if key in msg:
            spec[key] = _names_list(_one(msg, key))
    for key in ("enabled_by", "disabled_by"):
        if key in msg:
            spec[key] = sorted(msg[key])
    if "value_url" in msg:
        spec["value_url"] = _url_spec(_one(msg, "value_url"))
    if "trigger" in msg:
        trigger = _one(msg, "trigger")
        spec["also_requires_attr"] = [a.lower() for a in trigger.get("also_requires_attr", [])]
        if "if_value_regex" in trigger:
            spec["trigger_if_value_regex"] = _one(trigger, "if_value_regex")
    if "css_declaration" in msg:
        spec["css_declarations"] = sorted(
            {_one(d, "name"): _css_values(d) for d in msg["css_declaration"]}.items()
        )
    return spec


def _css_values(decl: Message) -> list[str]:
    return sorted(v.lower() for v in decl.get("value_casei", []))


def _url_spec(msg: Message) -> dict[str, Any]:
    protocols = msg.get("protocol", []) + msg.get("allowed_protocol", [])
    return {
        "protocols": sorted({p.lower() for p in protocols}),
        # the schema's default: relative URLs are allowed
        "allow_relative": _one(msg, "allow_relative", "true") == "true",
        "allow_empty": _flag(msg, "allow_empty"),
    }


def _in_amp_format(msg: Message) -> bool:
    formats = msg.get("html_format")
    return not formats or "AMP" in formats


def _is_body_spec(msg: Message) -> bool:
    if not _in_amp_format(msg):
        return False
    if _one(msg, "tag_name") in _NOT_BODY or "transformed" in msg.get("enabled_by", []):
        return False
    where = (_one(msg, "mandatory_parent"), _one(msg, "mandatory_ancestor"))
    return not any(w in _BODY_ANCESTORS for w in where)


def tag_spec(msg: Message, extension: str | None) -> dict[str, Any]:
    """What ampcheck keeps of a TagSpec of the body."""
    spec: dict[str, Any] = {
        "tag_name": _one(msg, "tag_name").lower(),
        "attrs": sorted((attr_spec(a) for a in msg.get("attrs", [])), key=lambda a: a["name"]),
        "attr_lists": sorted(msg.get("attr_lists", [])),
    }
    for key in ("spec_name", "mandatory_parent", "mandatory_ancestor", "deprecation",
                "spec_url", "requires_condition"):  # fmt: skip
        if key in msg:
            spec[key] = _one(msg, key)
    for key in ("disallowed_ancestor", "requires_extension", "also_requires_tag_warning"):
        if key in msg:
            spec[key] = sorted(msg[key])
    for key in ("mandatory_oneof", "mandatory_anyof"):
        if key in msg:
            spec[key] = [_names_list(v) for v in msg[key]]
    if "amp_layout" in msg:
        layout = _one(msg, "amp_layout")
        spec["layouts"] = sorted(
            v.lower().replace("_", "-") for v in layout.get("supported_layouts", [])
        )
        for key in ("defines_default_width", "defines_default_height"):
            if _flag(layout, key):
                spec[key] = True
    if "child_tags" in msg:
        spec["child_tags"] = _child_tags(_one(msg, "child_tags"))
    if extension is not None:
        spec["file"] = extension
    return spec


def _child_tags(msg: Message) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("child_tag_name_oneof", "first_child_tag_name_oneof"):
        if key in msg:
            out[key] = sorted(v.lower() for v in msg[key])
    for key in ("mandatory_num_child_tags", "mandatory_min_num_child_tags"):
        if key in msg:
            out[key] = int(_one(msg, key))
    return out


def attr_list(msg: Message) -> tuple[str, list[dict[str, Any]]]:
    attrs = sorted((attr_spec(a) for a in msg.get("attrs", [])), key=lambda a: a["name"])
    return _one(msg, "name"), attrs


# -- reading a folder of rule files ------------------------------------------------------


def rule_files(folder: Path) -> list[tuple[str, Path]]:
    """(repository path, file) of the main rule file and every extension's."""
    main = folder / "validator" / "validator-main.protoascii"
    if not main.is_file():
        raise ProtoError(f"{main} is missing")
    found = [("validator/validator-main.protoascii", main)]
    for path in sorted((folder / "extensions").glob("*/validator-*.protoascii")):
        found.append((path.relative_to(folder).as_posix(), path))
    return found


def _sources(folder: Path) -> dict[str, str]:
    listing = folder / "SOURCES"
    if not listing.is_file():
        return {}
    pairs = (line.split() for line in listing.read_text(encoding="utf-8").splitlines())
    return {p[0]: p[1] for p in pairs if len(p) == 2}


def build(folder: Path, date: str) -> dict[str, Any]:
    """The table from the rule files in ``folder``."""
    sources = _sources(folder)
    tags: dict[str, list[dict[str, Any]]] = {}
    lists: dict[str, list[dict[str, Any]]] = {}
    revision = None
    files: dict[str, str | None] = {}
    for rel, path in rule_files(folder):
        doc = parse(path.read_text(encoding="utf-8"))
        files[rel] = sources.get(rel)
        if rel.startswith("validator/"):
            revision = _one(doc, "spec_file_revision")
        extension = None if rel.startswith("validator/") else path.parent.name
        for msg in doc.get("attr_lists", []):
            name, attrs = attr_list(msg)
            lists[name] = attrs
        for msg in doc.get("tags", []):
            if _is_body_spec(msg):
                spec = tag_spec(msg, extension)
                tags.setdefault(spec["tag_name"], []).append(spec)
    used = {n for specs in tags.values() for s in specs for n in s["attr_lists"]}
    used |= {"$GLOBAL_ATTRS", "$AMP_LAYOUT_ATTRS"}
    return {
        "format": FORMAT,
        "validator": {"spec_file_revision": revision, "files": files, "generated": date},
        "attr_lists": {name: lists[name] for name in sorted(used) if name in lists},
        "tags": {name: _ordered(specs) for name, specs in sorted(tags.items())},
    }


def _ordered(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # the order of the rule files: the first spec of a tag is its general one
    return specs


def write(table: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(table, indent=1, sort_keys=True, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


# -- the README's table ------------------------------------------------------------------


def readme_table(table: dict[str, Any]) -> str:
    """The markdown table of the components the table covers."""
    info = table["validator"]
    files = info["files"]
    main_commit = files.get("validator/validator-main.protoascii") or "unknown"
    lines = [
        f"Validator revision: `validator-main.protoascii` spec file revision "
        f"{info['spec_file_revision']} (ampproject/amphtml commit {main_commit[:12]}) and "
        f"{len(files) - 1} extension rule files, each at the commit "
        f"`src/ampcheck/data/amp_validator.json` records; table built {info['generated']}.",
        "",
        "| component | extension | layouts | mandatory attributes |",
        "|---|---|---|---|",
    ]
    for name, specs in table["tags"].items():
        if not name.startswith("amp-"):
            continue
        spec = specs[0]
        ext = ", ".join(spec.get("requires_extension", [])) or "built in"
        layouts = ", ".join(spec.get("layouts", [])) or "-"
        lines.append(
            f"| [`{name}`](https://amp.dev/documentation/components/{name}/) "
            f"| {ext} | {layouts} | {_mandatory(table, spec) or '-'} |"
        )
    return "\n".join(lines) + "\n"


def _mandatory(table: dict[str, Any], spec: dict[str, Any]) -> str:
    attrs = list(spec["attrs"])
    for name in spec["attr_lists"]:
        attrs += table["attr_lists"].get(name, [])
    said = [
        " or ".join([a["name"], *a.get("alternative_names", [])])
        for a in attrs
        if a.get("mandatory")
    ]
    groups = [" or ".join(g) for g in spec.get("mandatory_oneof", [])]
    groups += sorted({" or ".join(a["mandatory_oneof"]) for a in attrs if "mandatory_oneof" in a})
    return ", ".join(f"`{s}`" for s in sorted(set(said)) + groups)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, help="copies of the rule files")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    parser.add_argument("--readme", action="store_true", help="print the README table")
    parser.add_argument("--output", type=Path, default=TABLE)
    args = parser.parse_args(argv)
    if args.readme:
        sys.stdout.write(readme_table(json.loads(args.output.read_text(encoding="utf-8"))))
        return 0
    if args.folder is None:
        parser.error("give the folder of the rule files (or --readme)")
    try:
        table = build(args.folder, args.date)
    except (OSError, ProtoError, KeyError) as exc:
        print(f"amp_table: {exc}", file=sys.stderr)
        return 1
    write(table, args.output)
    print(f"{args.output}: {len(table['tags'])} tags", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
