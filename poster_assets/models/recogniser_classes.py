"""The text recogniser's output cut down to the characters of Latin-script posters.

PP-OCRv6's recogniser scores all of its 18,710 characters (Chinese, Japanese, Latin, symbols)
at every step along a line. For posters in Latin script, 1,266 of them (Latin and Greek
letters, digits, punctuation, currency and other symbols) are all a line can hold; scoring
only those makes the final layer and the decoding after it ~15x smaller and OCR ~12 % faster.
A line then reads as the best of those characters where the full output would have put a
Chinese one, which on these posters is a misread of stylised Latin type
(docs/measurements.md, "Titles").
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import openvino as ov
import openvino.opset13 as opset


class RecogniserCharacters(StrEnum):
    """`all`: every character the recogniser knows; `latin`: Latin-script posters' only."""

    ALL = "all"
    LATIN = "latin"


# Unicode blocks kept for Latin-script posters, [start, end).
LATIN_SCRIPT_BLOCKS = (
    (0x0000, 0x0250),  # Basic Latin, Latin-1, Latin Extended-A and -B
    (0x0370, 0x0400),  # Greek (titles use its letters as styling)
    (0x2000, 0x2070),  # general punctuation
    (0x20A0, 0x20C0),  # currency
    (0x2100, 0x2200),  # letterlike symbols (TM, No.), arrows
    (0x25A0, 0x2800),  # geometric shapes, stars and other symbols, dingbats
)


def kept_classes(characters: Sequence[str], chosen: RecogniserCharacters) -> np.ndarray:
    """Indices of the classes to keep: CTC's blank (first), the characters of the chosen
    script, and the space (last), in their order."""
    if chosen is RecogniserCharacters.ALL:
        return np.arange(len(characters))
    last = len(characters) - 1

    def kept(index: int, character: str) -> bool:
        if index in (0, last):
            return True
        return len(character) == 1 and any(
            start <= ord(character) < end for start, end in LATIN_SCRIPT_BLOCKS
        )

    return np.array([index for index, char in enumerate(characters) if kept(index, char)])


def restrict_output_classes(model: ov.Model, keep: np.ndarray, classes: int) -> None:
    """Cut the final classifier of `model` (its MatMul with a (features, `classes`) weight
    and the bias added to it) to the columns `keep`, in place."""
    for op in model.get_ordered_ops():
        weights = op.input_value(1).get_node() if op.get_type_name() == "MatMul" else None
        if weights is None or weights.get_type_name() != "Constant":
            continue
        if weights.get_output_partial_shape(0)[-1].get_length() != classes:
            continue
        kept_weights = np.ascontiguousarray(weights.get_data()[:, keep])
        op.input(1).replace_source_output(opset.constant(kept_weights).output(0))
        (bias_add,) = (target.get_node() for target in op.output(0).get_target_inputs())
        bias = bias_add.input_value(1).get_node().get_data()
        kept_bias = np.ascontiguousarray(bias[keep])
        bias_add.input(1).replace_source_output(opset.constant(kept_bias).output(0))
        model.validate_nodes_and_infer_types()
        return
    raise ValueError(f"the recogniser has no final layer of {classes} classes to cut")
