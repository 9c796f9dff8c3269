import numpy as np

from poster_assets.fusion.text_tokens import (
    MAX_TEXT_TOKENS,
    decode_vector,
    encode_vectors,
    ocr_tokens,
)


def test_ocr_tokens_largest_first_with_relative_boxes():
    lines = [
        (0, "starring someone", 10.0, (0, 0, 100, 10)),
        (1, "TITLE", 40.0, (0, 50, 200, 90)),
        (2, "   ", 50.0, (0, 0, 1, 1)),
    ]
    tokens = ocr_tokens(lines, {1}, width=200, height=100)
    assert [token.text for token in tokens] == ["TITLE", "starring someone"]
    assert tokens[0].is_title and not tokens[1].is_title
    assert tokens[0].box == (0.0, 0.5, 1.0, 0.9)


def test_at_most_max_tokens_and_vectors_round_trip():
    lines = [(i, f"line {i}", float(i), (0, 0, 1, 1)) for i in range(30)]
    assert len(ocr_tokens(lines, set(), 10, 10)) == MAX_TEXT_TOKENS
    encoded = encode_vectors(["GHOSTBUSTERS", "GHSTBUSTERS"])
    one, two = (decode_vector(data).astype(np.float32) for data in encoded)
    assert one.shape == (256,)
    assert 0.7 < float(one @ two) < 1.0  # a misreading stays near the word
    assert encode_vectors([]) == []
