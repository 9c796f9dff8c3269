"""Compose poster-like images whose structure is known exactly.

Each poster stacks a blurred photographic background (images scikit-image ships), a sharp
foreground subject with a known mask, a title rendered in a real font (DejaVu, shipped with
matplotlib) at a known box, and small credit lines. Beside the images we save what later
stages are judged against: title text and box, placement, and a per-pixel layer map.

Layout on disk mirrors the shared poster corpus: `images/`, `labels.csv`, plus
`ground_truth.jsonl` and `layers/<name>.png` (0 background, 1 subject, 2 title, 3 credits).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from skimage import data as skdata

from poster_assets.vision.placement import placement_of_box

WIDTH, HEIGHT = 300, 450
LAYER_BACKGROUND, LAYER_SUBJECT, LAYER_TITLE, LAYER_CREDITS = 0, 1, 2, 3
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
_TITLE_FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSans-BoldOblique.ttf")
_CREDIT_FONT = "DejaVuSansMono.ttf"
_TITLE_WORDS = (
    "MIDNIGHT",
    "HARBOR",
    "SILENT",
    "ECHO",
    "CRIMSON",
    "FRONTIER",
    "GLASS",
    "ORCHARD",
    "LAST",
    "SIGNAL",
    "PAPER",
    "MOON",
    "WILD",
    "RIVER",
    "IRON",
    "GARDEN",
    "NORTH",
    "STAR",
    "HOLLOW",
    "CROWN",
    "DISTANT",
    "SHORE",
    "BROKEN",
    "CLOCK",
    "VELVET",
    "STORM",
)
_GENRES = ("Drama", "Comedy", "Thriller", "Sci-Fi", "Romance", "Adventure", "Horror")
_BACKGROUNDS: tuple[Callable[[], np.ndarray], ...] = (
    skdata.hubble_deep_field,
    skdata.moon,
    skdata.grass,
    skdata.gravel,
    skdata.brick,
    skdata.rocket,
    skdata.coffee,
    skdata.immunohistochemistry,
    skdata.retina,
    lambda: skdata.stereo_motorcycle()[0],
)


@dataclass(frozen=True)
class DemoPoster:
    image: str
    poster_key: str
    title: str
    title_box: tuple[int, int, int, int]
    placement_v: str
    placement_h: str
    subject_box: tuple[int, int, int, int]
    genres: list[str]
    year: int


def generate_demo_corpus(out_dir: Path, count: int = 24, seed: int = 7) -> list[DemoPoster]:
    """Write `count` posters and their ground truth under `out_dir`; deterministic in `seed`."""
    rng = np.random.default_rng(seed)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    (out_dir / "layers").mkdir(exist_ok=True)
    posters = [_write_poster(out_dir, index, rng) for index in range(count)]
    with open(out_dir / "ground_truth.jsonl", "w") as handle:
        for poster in posters:
            handle.write(json.dumps(asdict(poster)) + "\n")
    with open(out_dir / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["imdb_id", "image", "title", "year", "genres"])
        for poster in posters:
            writer.writerow(
                [
                    poster.poster_key,
                    f"images/{poster.image}",
                    poster.title,
                    poster.year,
                    "|".join(poster.genres),
                ]
            )
    return posters


def _write_poster(out_dir: Path, index: int, rng: np.random.Generator) -> DemoPoster:
    key = f"demo{index + 1:04d}"
    canvas = _background(rng)
    layers = np.full((HEIGHT, WIDTH), LAYER_BACKGROUND, dtype=np.uint8)

    title_vertical = rng.choice(["top", "middle", "bottom"], p=[0.45, 0.15, 0.40])
    subject_box = _paste_subject(canvas, layers, rng, title_vertical)
    title = " ".join(rng.choice(_TITLE_WORDS, size=int(rng.integers(1, 3)), replace=False))
    title_box = _draw_title(canvas, layers, title, title_vertical, rng)
    _draw_credits(canvas, layers, rng, credits_on_top=title_vertical == "bottom")

    canvas.save(out_dir / "images" / f"{key}.jpg", quality=92)
    Image.fromarray(layers).save(out_dir / "layers" / f"{key}.png")
    placement = placement_of_box(title_box, WIDTH, HEIGHT)
    genres = sorted(rng.choice(_GENRES, size=int(rng.integers(1, 3)), replace=False).tolist())
    return DemoPoster(
        image=f"{key}.jpg",
        poster_key=key,
        title=title,
        title_box=title_box,
        placement_v=placement.vertical,
        placement_h=placement.horizontal,
        subject_box=subject_box,
        genres=genres,
        year=int(rng.integers(1960, 2026)),
    )


def _background(rng: np.random.Generator) -> Image.Image:
    """A random 2:3 crop of a bundled photo, tinted, darkened and blurred like a backdrop."""
    photo = _BACKGROUNDS[int(rng.integers(len(_BACKGROUNDS)))]()
    if photo.ndim == 2:
        photo = np.repeat(photo[:, :, None], 3, axis=2)
    photo = photo[:, :, :3]
    height, width = photo.shape[:2]
    crop_w = min(width, int(height * 2 / 3))
    crop_h = int(crop_w * 3 / 2)
    top = int(rng.integers(0, height - crop_h + 1))
    left = int(rng.integers(0, width - crop_w + 1))
    crop = photo[top : top + crop_h, left : left + crop_w].astype(np.float32)
    tint = rng.uniform(0.45, 1.0, size=3)
    image = Image.fromarray(np.clip(crop * tint * 0.8, 0, 255).astype(np.uint8))
    image = image.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    return image.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(2.0, 4.0))))


def _paste_subject(
    canvas: Image.Image, layers: np.ndarray, rng: np.random.Generator, title_vertical: str
) -> tuple[int, int, int, int]:
    """A sharp subject (a horse silhouette or an elliptical photo cut-out), away from the title."""
    subject_h = int(HEIGHT * rng.uniform(0.35, 0.5))
    if rng.random() < 0.4:
        mask = Image.fromarray((~skdata.horse()).astype(np.uint8) * 255)
        aspect = mask.width / mask.height
        subject_w = min(int(subject_h * aspect), WIDTH - 20)
        mask = mask.resize((subject_w, subject_h), Image.Resampling.NEAREST)
        colour = tuple(int(c) for c in rng.integers(120, 256, size=3))
        picture = Image.new("RGB", mask.size, colour)
    else:
        source = [skdata.astronaut, skdata.chelsea, skdata.coffee][int(rng.integers(3))]()
        subject_w = int(subject_h * rng.uniform(0.6, 0.85))
        picture = Image.fromarray(source).resize((subject_w, subject_h), Image.Resampling.LANCZOS)
        mask = Image.new("L", picture.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, subject_w - 1, subject_h - 1), fill=255)
    x = int(rng.integers(10, WIDTH - subject_w - 10 + 1))
    # Keep the subject clear of the title band, as designers usually do.
    band_top = {"top": 0.36, "middle": 0.5, "bottom": 0.15}[title_vertical]
    y = int(HEIGHT * band_top) if title_vertical != "middle" else int(HEIGHT * 0.62)
    y = min(y, HEIGHT - subject_h - 5)
    canvas.paste(picture, (x, y), mask)
    subject_pixels = np.asarray(mask) > 127
    layers[y : y + subject_h, x : x + subject_w][subject_pixels] = LAYER_SUBJECT
    ys, xs = np.nonzero(layers == LAYER_SUBJECT)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _draw_title(
    canvas: Image.Image,
    layers: np.ndarray,
    title: str,
    vertical: str,
    rng: np.random.Generator,
) -> tuple[int, int, int, int]:
    font_path = _FONT_DIR / _TITLE_FONTS[int(rng.integers(len(_TITLE_FONTS)))]
    size = int(rng.integers(30, 46))
    font = ImageFont.truetype(str(font_path), size)
    while font.getbbox(title)[2] > WIDTH * 0.88 and size > 14:
        size -= 2
        font = ImageFont.truetype(str(font_path), size)
    left, top, right, _bottom = font.getbbox(title)
    text_w = right - left
    horizontal = rng.choice(["left", "centre", "right"], p=[0.15, 0.7, 0.15])
    x = {"left": 12, "centre": (WIDTH - text_w) // 2, "right": WIDTH - text_w - 12}[horizontal]
    y = {"top": int(HEIGHT * 0.08), "middle": int(HEIGHT * 0.45), "bottom": int(HEIGHT * 0.78)}[
        vertical
    ]
    origin = (x - left, y - top)
    colour = [(255, 255, 255), (250, 220, 60), (230, 40, 40), (240, 240, 210)][int(rng.integers(4))]
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).text(origin, title, font=font, fill=255, stroke_width=1, stroke_fill=255)
    ImageDraw.Draw(canvas).text(
        origin, title, font=font, fill=colour, stroke_width=1, stroke_fill=(0, 0, 0)
    )
    text_pixels = np.asarray(mask) > 127
    layers[text_pixels] = LAYER_TITLE
    ys, xs = np.nonzero(text_pixels)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _draw_credits(
    canvas: Image.Image, layers: np.ndarray, rng: np.random.Generator, credits_on_top: bool
) -> None:
    font = ImageFont.truetype(str(_FONT_DIR / _CREDIT_FONT), 9)
    names = rng.choice(["A. RIVERA", "J. OKAFOR", "M. LINDQVIST", "S. TANAKA", "L. MOREAU"], 3)
    lines = [
        f"DIRECTED BY {names[0]}",
        f"STARRING {names[1]}  {names[2]}",
        f"IN CINEMAS {int(rng.integers(1, 29))} MAY",
    ]
    y = 6 if credits_on_top else HEIGHT - 14 * len(lines) - 4
    mask = Image.new("L", canvas.size, 0)
    for line in lines:
        width = font.getbbox(line)[2]
        position = ((WIDTH - width) // 2, y)
        ImageDraw.Draw(canvas).text(position, line, font=font, fill=(235, 235, 235))
        ImageDraw.Draw(mask).text(position, line, font=font, fill=255)
        y += 14
    layers[np.asarray(mask) > 127] = LAYER_CREDITS
