"""Which OCR pass to keep when the first one may have missed the title.

The detector sees a poster resized so its short side is a given size; stylised or small
titles that one size misses, another often finds (on 500 training posters the title was in
the OCR at 448 px for 0.822 of them, at 1024 px for 0.762, at either for 0.858). Reading
every poster at every size would double OCR's time, so a retry is made only where it is
likely to pay: when the poster's title is known (metadata) and no candidate reads as it, or,
if asked, with no known title, when the best title the scorer can choose is unconvincing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from poster_assets.vision.text_lines import TextLine, contains_title
from poster_assets.vision.title_features import searchable_texts
from poster_assets.vision.title_scorer import TitleScorer
from poster_assets.vision.title_selection import choose_title, locate_title


@dataclass(frozen=True)
class KeptPass:
    lines: list[TextLine]
    side: int  # the detector's short side in the pass kept
    passes: int  # how many passes were read


def read_with_retries(
    read_at: Callable[[int], list[TextLine]],
    sides: Sequence[int],
    size: tuple[int, int],
    scorer: TitleScorer,
    known_title: str | None,
    retry_below: float,
) -> KeptPass:
    """Read at `sides[0]`, then at each later side while the title is not settled; keep the
    pass that settled it. With `known_title`: the first pass in which it is located (else the
    first in which it appears at all, else the first pass). Without: the pass whose chosen
    title is most confident, stopping once one reaches `retry_below`."""
    width, height = size
    read: list[tuple[int, list[TextLine]]] = []
    best: tuple[float, int] | None = None  # (confidence, index into read)
    for side in sides:
        lines = read_at(side)
        read.append((side, lines))
        if known_title:
            if locate_title(lines, width, height, known_title) is not None:
                return KeptPass(lines, side, len(read))
            continue
        if retry_below <= 0:  # no confidence to reach: the first pass stands, unscored
            break
        confidence = choose_title(lines, width, height, scorer).confidence
        if best is None or confidence > best[0]:
            best = (confidence, len(read) - 1)
        if best[0] >= retry_below:
            break
    if known_title:
        appears = [
            index
            for index, (_, lines) in enumerate(read)
            if contains_title(searchable_texts(lines), known_title)
        ]
        kept = appears[0] if appears else 0
    else:
        kept = best[1] if best else 0
    side, lines = read[kept]
    return KeptPass(lines, side, len(read))
