"""A title's leading article, set small over its first word.

Posters often print the "THE" of *The Abyss* or *The Town* small, tucked over the top-left
of the title's first word. The detector reads it as a line of its own, far smaller than the
title, so no title candidate stacks it with the title and the chosen title lacks it
("ABYSS"). On the 1,271 titled training posters (stored lines, 2026-12-05), 34 chosen titles
gain their "THE" this way, 10 of them now matching the reference title, and no title that
matched stops matching; a "THE" elsewhere (a tagline's, or one between two title words) lies
outside the window below (docs/measurements.md, "A title's article"). Only "THE": a lone "A"
is as often a stray glyph as the article ("A DAYLIGHT" for *Daylight*).
"""

from __future__ import annotations

from collections.abc import Sequence

from poster_assets.vision.text_lines import TextLine, normalise_text

ARTICLE = "the"
# Where the article's centre may lie, relative to the title's first line: from one line
# height above its top to half a height below it, and over its left half (as a share of its
# width, a little beyond its left edge allowed).
HEIGHTS_ABOVE = 1.0
HEIGHTS_BELOW = 0.5
WIDTHS_LEFT = 0.1
WIDTHS_RIGHT = 0.55


def leading_article(lines: Sequence[TextLine], indices: Sequence[int]) -> int | None:
    """The index of a line reading only "THE", set smaller than the title's first line
    (`lines[indices[0]]`) and over its top-left, if the title does not already start with
    it; else None."""
    first = lines[indices[0]]
    words = first.text.split()
    if words and normalise_text(words[0]) == ARTICLE:
        return None
    x0, y0, x1, _ = first.box
    width = max(x1 - x0, 1.0)
    for index, line in enumerate(lines):
        if index in indices or normalise_text(line.text) != ARTICLE:
            continue
        if line.height >= first.height:
            continue
        left, top, right, bottom = line.box
        down = ((top + bottom) / 2 - y0) / first.height
        across = ((left + right) / 2 - x0) / width
        if -HEIGHTS_ABOVE <= down <= HEIGHTS_BELOW and -WIDTHS_LEFT <= across <= WIDTHS_RIGHT:
            return index
    return None
