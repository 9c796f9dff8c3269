"""The report's HTML: one card per poster with its anatomy picture, what was read and found,
and its nearest neighbours; a page that opens offline (pictures are files beside it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2


@dataclass(frozen=True)
class Neighbour:
    poster_id: str
    similarity: float
    label: str  # title known or read, else the file name
    picture: str  # relative path of its thumbnail


@dataclass(frozen=True)
class PosterCard:
    poster_id: str
    batch_id: str
    file: str
    size: str  # "W x H"
    title_read: str
    placement: str
    confidence: float | None
    known: str  # title, year and genres from metadata, or ''
    found: str  # faces and objects, in words
    picture: str  # relative path of the anatomy picture (or the poster with its OCR)
    picture_note: str  # why there is no anatomy, or ''
    neighbours: Sequence[Neighbour]
    neighbours_note: str  # how they were found, or why there are none


PAGE = jinja2.Template(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ heading }}</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #222; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: 12px; margin: 0 0 20px; }
.card h2 { font-size: 16px; margin: 0 0 6px; }
.card img.anatomy { max-width: 100%; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 6px 0; }
dt { color: #666; }
.neighbours { display: flex; gap: 10px; flex-wrap: wrap; }
.neighbours figure { margin: 0; width: 110px; font-size: 12px; }
.neighbours img { height: 150px; max-width: 110px; object-fit: contain; background: #eee; }
.note { color: #666; font-size: 13px; }
</style></head>
<body>
<h1>{{ heading }}</h1>
<p class="note">{{ summary }}</p>
{% for card in cards %}
<section class="card" id="{{ card.poster_id }}">
  <h2>{{ card.title_read or "(no title read)" }} <small>{{ card.poster_id[:12] }}</small></h2>
  <dl>
    <dt>file</dt><dd>{{ card.file }} ({{ card.size }}), batch {{ card.batch_id }}</dd>
    <dt>title read</dt><dd>{% if card.title_read %}{{ card.title_read }}, {{ card.placement }},
      confidence {{ "%.2f"|format(card.confidence) }}{% else %}none{% endif %}</dd>
    {% if card.known %}<dt>known</dt><dd>{{ card.known }}</dd>{% endif %}
    <dt>found</dt><dd>{{ card.found }}</dd>
  </dl>
  <img class="anatomy" src="{{ card.picture }}" alt="anatomy of {{ card.poster_id[:12] }}">
  {% if card.picture_note %}<p class="note">{{ card.picture_note }}</p>{% endif %}
  <p class="note">nearest neighbours: {{ card.neighbours_note }}</p>
  <div class="neighbours">
  {% for neighbour in card.neighbours %}
    <figure><img src="{{ neighbour.picture }}" alt="{{ neighbour.label }}">
      <figcaption>{{ neighbour.label }}<br>{{ "%.3f"|format(neighbour.similarity) }}
      </figcaption></figure>
  {% endfor %}
  </div>
</section>
{% endfor %}
</body></html>
""",
    autoescape=True,
)


def report_html(heading: str, summary: str, cards: Sequence[PosterCard]) -> str:
    return PAGE.render(heading=heading, summary=summary, cards=cards)
