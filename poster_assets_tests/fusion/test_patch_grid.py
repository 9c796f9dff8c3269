import numpy as np

from poster_assets.fusion import patch_grid
from poster_assets.vision.composition import BACKGROUND, FIRST_SUBJECT, OTHER_TEXT, TITLE_TEXT


def test_tokens_round_trip_through_bytes():
    feature_map = np.random.default_rng(0).random((9, 9, 1280), dtype=np.float32)
    tokens = patch_grid.patch_tokens(feature_map)
    assert tokens.shape == (81, 1280) and tokens.dtype == np.float16
    np.testing.assert_array_equal(
        patch_grid.decode_tokens(patch_grid.encode_tokens(tokens)), tokens
    )
    np.testing.assert_allclose(tokens[10], feature_map[1, 1], rtol=1e-3)  # row-major


def test_role_shares_per_cell():
    roles = np.full((90, 90), BACKGROUND, np.uint8)
    roles[:10, :10] = TITLE_TEXT  # the first cell
    roles[80:, 80:] = FIRST_SUBJECT + 1  # the last cell: a second subject
    roles[40:45, 40:50] = OTHER_TEXT  # half of the middle cell
    shares = patch_grid.role_shares(roles, 9)
    assert shares.shape == (81, 4)
    np.testing.assert_allclose(shares.sum(1), 1.0)
    np.testing.assert_allclose(shares[0], [0, 0, 1, 0])
    np.testing.assert_allclose(shares[80], [0, 1, 0, 0])
    np.testing.assert_allclose(shares[40], [0.5, 0, 0, 0.5])


def test_box_cover_and_depth_ranks():
    cover = patch_grid.box_cover([(0, 0, 30, 10)], 90, 90, 9)
    np.testing.assert_allclose(cover[:3], 1.0)
    assert cover[3:].sum() == 0
    depth = np.tile(np.linspace(1, 0, 90, dtype=np.float32), (90, 1))  # far left, near right
    ranks = patch_grid.depth_ranks(depth, 9)
    assert ranks[8] == 0.0 and ranks.max() == 1.0
    assert ranks[0] > ranks[4] > ranks[8]
