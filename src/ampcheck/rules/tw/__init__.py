"""Tweet embeds (TW)."""

from __future__ import annotations

from ampcheck.rules.tw.tw001_tweet_id_missing import TweetIdMissing
from ampcheck.rules.tw.tw002_tweet_id_format import TweetIdFormat
from ampcheck.rules.tw.tw003_tweet_id_url_mismatch import TweetIdUrlMismatch
from ampcheck.rules.tw.tw004_tweet_duplicate import TweetDuplicate
from ampcheck.rules.tw.tw005_tweet_date_mismatch import TweetDateMismatch
from ampcheck.rules.tw.tw006_tweet_placeholder_missing import TweetPlaceholderMissing
from ampcheck.rules.tw.tw007_tweet_embed_not_amp import TweetEmbedNotAmp

RULES = (
    TweetIdMissing,
    TweetIdFormat,
    TweetIdUrlMismatch,
    TweetDuplicate,
    TweetDateMismatch,
    TweetPlaceholderMissing,
    TweetEmbedNotAmp,
)
