"""A trailer's frames as tokens: each kept shot's middle frame as the mean of its
EfficientNet-Lite3 feature map, the space the poster's patch tokens live in, so that one
reduction serves both."""

from __future__ import annotations

MAX_FRAME_TOKENS = 16  # the longest shots of a trailer
