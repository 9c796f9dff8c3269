import numpy as np

from poster_assets.fusion.reduction import REDUCED_DIMENSIONS, fit_reduction, load_reduction


def test_pca_keeps_a_low_rank_signal_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    signal = rng.normal(size=(300, 9)) @ rng.normal(size=(9, 1280))  # rank 9
    tokens = (signal + 5).reshape(30, 10, 1280).astype(np.float16)
    reduction = fit_reduction(tokens)
    reduced = reduction.apply(tokens)
    assert reduced.shape == (30, 10, REDUCED_DIMENSIONS)
    np.testing.assert_allclose(reduced.reshape(300, -1).mean(0), 0, atol=1e-2)
    rebuilt = reduced[..., :9] * reduction.scale @ reduction.basis[:, :9].T + reduction.mean
    np.testing.assert_allclose(rebuilt, tokens.astype(np.float32), atol=0.05)
    again = load_reduction(reduction.save(tmp_path / "r.npz"))
    np.testing.assert_array_equal(again.apply(tokens), reduced)
