"""The built-in rules: a plugin like any other, one module per rule."""

from __future__ import annotations

import importlib

from ampcheck.hookspecs import hookimpl
from ampcheck.rule import Rule

#: module name -> rule class name, in code order
BUILTIN = {
    "front_matter_missing": "FrontMatterMissing",
    "front_matter_invalid": "FrontMatterInvalid",
    "front_matter_required": "FrontMatterRequired",
    "front_matter_type": "FrontMatterType",
    "post_filename": "PostFilename",
    "post_date_mismatch": "PostDateMismatch",
    "front_matter_duplicate_key": "FrontMatterDuplicateKey",
    "layout_unknown": "LayoutUnknown",
    "post_date_utc_shift": "PostDateUtcShift",
    "mojibake": "Mojibake",
    "not_utf8": "NotUtf8",
    "replacement_character": "ReplacementCharacter",
    "control_character": "ControlCharacter",
    "byte_order_mark": "ByteOrderMark",
    "heading_increment": "HeadingIncrement",
    "heading_single_h1": "HeadingSingleH1",
    "heading_empty": "HeadingEmpty",
    "heading_duplicate": "HeadingDuplicate",
    "heading_trailing_punctuation": "HeadingTrailingPunctuation",
    "heading_not_rendered": "HeadingNotRendered",
    "tweet_id_missing": "TweetIdMissing",
    "tweet_id_format": "TweetIdFormat",
    "tweet_id_url_mismatch": "TweetIdUrlMismatch",
    "tweet_duplicate": "TweetDuplicate",
    "tweet_date_mismatch": "TweetDateMismatch",
    "tweet_placeholder_missing": "TweetPlaceholderMissing",
    "tweet_embed_not_amp": "TweetEmbedNotAmp",
    "amp_layout": "AmpLayout",
    "amp_size": "AmpSize",
    "amp_attribute": "AmpAttribute",
    "html_not_amp": "HtmlNotAmp",
    "amp_self_closing": "AmpSelfClosing",
    "amp_placeholder_misplaced": "AmpPlaceholderMisplaced",
    "amp_runtime_missing": "AmpRuntimeMissing",
    "amp_element_unclosed": "AmpElementUnclosed",
    "unused_suppression": "UnusedSuppression",
}


@hookimpl
def ampcheck_register_rules() -> list[type[Rule]]:
    return [
        getattr(importlib.import_module(f"{__name__}.{module}"), cls)
        for module, cls in BUILTIN.items()
    ]
