"""one_native_thread: one thread while any caller is inside, the original pools after the last."""

from __future__ import annotations

import pytest
import sklearn.cluster  # noqa: F401 - loads the OpenMP runtime whose pool is limited
from threadpoolctl import ThreadpoolController

from poster_assets.vision.native_threads import one_native_thread


def _most_threads() -> int:
    """Of scikit-learn's OpenMP pool, the one K-means uses (libraries loaded after the limit
    was first set, e.g. torch's, are not the ones it holds)."""
    pools = ThreadpoolController().info()
    return max(pool["num_threads"] for pool in pools if "scikit_learn" in pool["filepath"])


def test_overlapping_callers_keep_one_thread_until_the_last_leaves() -> None:
    original = _most_threads()
    if original == 1:
        pytest.skip("every native pool already has one thread on this machine")
    first, second = one_native_thread, one_native_thread
    first.__enter__()
    second.__enter__()  # another stage thread, inside at the same time
    first.__exit__(None, None, None)
    assert _most_threads() == 1  # the other caller is still inside
    second.__exit__(None, None, None)
    assert _most_threads() == original
