"""Front matter and the post's file name (FM)."""

from __future__ import annotations

from ampcheck.rules.fm.fm001_front_matter_missing import FrontMatterMissing
from ampcheck.rules.fm.fm002_front_matter_invalid import FrontMatterInvalid
from ampcheck.rules.fm.fm003_front_matter_required import FrontMatterRequired
from ampcheck.rules.fm.fm004_front_matter_type import FrontMatterType
from ampcheck.rules.fm.fm005_post_filename import PostFilename
from ampcheck.rules.fm.fm006_post_date_mismatch import PostDateMismatch
from ampcheck.rules.fm.fm007_front_matter_duplicate_key import FrontMatterDuplicateKey
from ampcheck.rules.fm.fm008_layout_unknown import LayoutUnknown
from ampcheck.rules.fm.fm009_post_date_utc_shift import PostDateUtcShift

RULES = (
    FrontMatterMissing,
    FrontMatterInvalid,
    FrontMatterRequired,
    FrontMatterType,
    PostFilename,
    PostDateMismatch,
    FrontMatterDuplicateKey,
    LayoutUnknown,
    PostDateUtcShift,
)
