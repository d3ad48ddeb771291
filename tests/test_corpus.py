"""Real posts: every post of the dstotd blog lints without an internal error."""

from __future__ import annotations

import pytest

from tests.conftest import DSTOTD, SEED, invoke

pytestmark = pytest.mark.skipif(not DSTOTD.is_dir(), reason=f"{DSTOTD} is not present")


def test_every_dstotd_post_lints_without_internal_error() -> None:
    result = invoke(str(DSTOTD), "--format", "json")
    assert result.err == ""
    assert result.code in (0, 1)
    errors = [d for d in result.json if d["severity"] == "error"]
    assert result.code == (1 if errors else 0)
    assert len({d["path"] for d in result.json}) <= 60


@pytest.mark.skipif(not SEED.is_file(), reason=f"{SEED} is not present")
def test_seed_post_lints_without_internal_error() -> None:
    result = invoke(str(SEED))
    assert result.err == ""
    assert result.code in (0, 1)
