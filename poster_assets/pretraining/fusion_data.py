"""Stored token rows (`store/fusion_inputs`) as `FusionData`: the patch tokens and their
labels stacked, the text tokens and trailer frames padded, and each poster's curriculum
labels."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import torch

from poster_assets.errors import PosterAssetsError
from poster_assets.fusion.data import FusionData
from poster_assets.fusion.frame_tokens import MAX_FRAME_TOKENS
from poster_assets.fusion.model import PATCHES
from poster_assets.fusion.patch_grid import FEATURE_DIMENSIONS, decode_tokens
from poster_assets.fusion.poster_words import WORD_DIMENSIONS, WordReduction, fit_word_reduction
from poster_assets.fusion.reduction import REDUCED_DIMENSIONS, TokenReduction, fit_reduction
from poster_assets.fusion.summary import summary_targets
from poster_assets.fusion.text_tokens import (
    TEXT_SLOTS,
    WORDS_BOX,
    WORDS_SLOT,
    decode_vector,
)
from poster_assets.ssl.curriculum_labels import TASK_CLASSES, label_rows
from poster_assets.ssl.text_features import TEXT_DIMENSIONS
from poster_assets.store.database import PosterDatabase
from poster_assets.store.fusion_inputs import frame_token_rows, patch_token_rows, text_token_rows
from poster_assets.store.training_inputs import curriculum_facts


class NoTokensError(PosterAssetsError, LookupError):
    """The store holds no patch tokens to train or embed with."""


def _slots(
    rows: pd.DataFrame, poster_ids: list[str], slots: int
) -> Iterator[tuple[tuple, int, int]]:
    """(row, its poster's index, its slot) for the first `slots` rows of each of the posters
    (rows in order; rows of other posters skipped): how token rows become padded arrays."""
    row_of = {poster_id: index for index, poster_id in enumerate(poster_ids)}
    taken = np.zeros(len(poster_ids), int)
    for row in rows.itertuples():
        index = row_of.get(row.poster_id)
        if index is not None and taken[index] < slots:
            yield row, index, int(taken[index])
            taken[index] += 1


def poster_texts(rows: pd.DataFrame, poster_ids: list[str]) -> list[str]:
    """Each poster's OCR text tokens joined (the metadata title is not the poster's words)."""
    texts: dict[str, list[str]] = {poster_id: [] for poster_id in poster_ids}
    for token in rows[rows["source"] == "ocr"].itertuples():
        if token.poster_id in texts:
            texts[token.poster_id].append(token.text)
    return [" ".join(texts[poster_id]) for poster_id in poster_ids]


def text_arrays(
    rows: pd.DataFrame, poster_ids: list[str], words: np.ndarray | None = None
) -> tuple[np.ndarray, ...]:
    """Padded (N, TEXT_SLOTS, ...) vectors, boxes, flags and validity; `words` (N, W), where
    given, fill the last slot of the posters that have any."""
    n = len(poster_ids)
    vectors = np.zeros((n, TEXT_SLOTS, TEXT_DIMENSIONS), np.float32)
    boxes = np.zeros((n, TEXT_SLOTS, 4), np.float32)
    flags = np.zeros((n, TEXT_SLOTS, 2), np.float32)
    valid = np.zeros((n, TEXT_SLOTS), bool)
    if words is not None:
        vectors[:, WORDS_SLOT, : words.shape[1]] = words
        boxes[:, WORDS_SLOT] = WORDS_BOX
        valid[:, WORDS_SLOT] = np.abs(words).sum(1) > 0
    for token, index, at in _slots(rows, poster_ids, WORDS_SLOT):
        vectors[index, at] = decode_vector(token.vector_f16)
        boxes[index, at] = (token.x0, token.y0, token.x1, token.y1)
        flags[index, at] = (float(token.is_title), float(token.source == "metadata"))
        valid[index, at] = True
    return vectors, boxes, flags, valid


def frame_arrays(
    rows: pd.DataFrame, poster_ids: list[str], reduction: TokenReduction
) -> tuple[np.ndarray, ...]:
    """Padded (N, MAX_FRAME_TOKENS, ...) reduced frame vectors, times and validity."""
    n = len(poster_ids)
    frames = np.zeros((n, MAX_FRAME_TOKENS, REDUCED_DIMENSIONS), np.float32)
    times = np.zeros((n, MAX_FRAME_TOKENS, 1), np.float32)
    valid = np.zeros((n, MAX_FRAME_TOKENS), bool)
    for frame, index, at in _slots(rows, poster_ids, MAX_FRAME_TOKENS):
        frames[index, at] = reduction.apply(decode_tokens(frame.vector_f16))[0]
        times[index, at] = frame.time
        valid[index, at] = True
    return frames, times, valid


def patch_arrays(rows: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """Stacked tokens (N, 81, 1280) float16 and their labels."""
    tokens = np.stack([decode_tokens(data) for data in rows["tokens_f16"]])
    roles = np.stack([np.asarray(v, np.float32).reshape(PATCHES, 4) for v in rows["role_shares"]])
    depth = np.stack(
        [
            np.asarray(v, np.float32)
            if isinstance(v, list | np.ndarray)
            else np.full(PATCHES, np.nan, np.float32)  # NULL: no depth
            for v in rows["depth_rank"]
        ]
    )
    faces = np.stack([np.asarray(v, np.float32) for v in rows["face_cover"]])
    people = np.stack([np.asarray(v, np.float32) for v in rows["person_cover"]])
    return tokens, roles, depth, faces, people


def load_fusion_data(
    db: PosterDatabase,
    reduction: TokenReduction | None = None,
    poster_ids: list[str] | None = None,
    fit_on: list[str] | None = None,
    words: WordReduction | None = None,
) -> FusionData:
    """Every poster (or those of `poster_ids`) with patch tokens. Given a trained model's
    `reduction` (and `words`, where it has one), they are applied; else a PCA, the word
    reduction and the summary targets are fitted here on the posters of `fit_on` (default:
    all)."""
    rows = patch_token_rows(db, poster_ids)
    rows = rows[(rows["dimensions"] == FEATURE_DIMENSIONS) & (rows["grid"] ** 2 == PATCHES)]
    if rows.empty:
        raise NoTokensError(
            "no patch tokens in this home: materialize `patch_tokens` and `text_tokens` "
            "(they run with every batch)"
        )
    poster_ids = rows["poster_id"].tolist()
    tokens, roles, depth, faces, people = patch_arrays(rows)
    fit_rows = np.ones(len(rows), bool) if fit_on is None else rows["poster_id"].isin(fit_on)
    fit_rows = np.asarray(fit_rows, bool)
    training = reduction is None
    if training:
        reduction = fit_reduction(tokens[fit_rows])
    reduced = np.concatenate(
        [reduction.apply(tokens[start : start + 256]) for start in range(0, len(tokens), 256)]
    )
    text_rows = text_token_rows(db, poster_ids)
    texts = poster_texts(text_rows, poster_ids)
    if training:
        words = fit_word_reduction([text for text, fit in zip(texts, fit_rows, strict=True) if fit])
    word_vectors = None if words is None else words.apply(texts)
    summary = None
    if training and fit_rows.sum() >= 2:
        # Posters without any words still have a summary: the image half alone.
        known = np.zeros((len(texts), WORD_DIMENSIONS)) if word_vectors is None else word_vectors
        summary = summary_targets(reduced.mean(1), known, fit_rows)
    text, boxes, flags, valid = text_arrays(text_rows, poster_ids, word_vectors)
    frames, times, shown = frame_arrays(frame_token_rows(db, poster_ids), poster_ids, reduction)
    labels = label_rows(curriculum_facts(db)).drop_duplicates("poster_id").set_index("poster_id")
    labels = labels.reindex(poster_ids).fillna(0)
    return FusionData(
        poster_ids=poster_ids,
        patches=torch.from_numpy(reduced),
        roles=torch.from_numpy(roles),
        depth=torch.from_numpy(depth),
        faces=torch.from_numpy(faces),
        people=torch.from_numpy(people),
        text=torch.from_numpy(text),
        text_box=torch.from_numpy(boxes),
        text_flags=torch.from_numpy(flags),
        text_valid=torch.from_numpy(valid),
        frames=torch.from_numpy(frames),
        frame_time=torch.from_numpy(times),
        frame_valid=torch.from_numpy(shown),
        labels={task: torch.tensor(labels[task].to_numpy(np.int64)) for task in TASK_CLASSES},
        reduction=reduction,
        words=words,
        summary=None if summary is None else torch.from_numpy(summary),
    )
