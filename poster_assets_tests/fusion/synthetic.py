"""Small FusionData with structure the tasks can learn, for tests that need no store."""

import numpy as np
import torch

from poster_assets.fusion.data import FusionData
from poster_assets.fusion.frame_tokens import MAX_FRAME_TOKENS
from poster_assets.fusion.summary import summary_targets
from poster_assets.fusion.text_tokens import TEXT_SLOTS
from poster_assets.ssl.curriculum_labels import TASK_CLASSES


def synthetic_data(posters: int = 48, seed: int = 0) -> FusionData:
    generator = torch.Generator().manual_seed(seed)
    n = posters
    roles = torch.rand(n, 81, 4, generator=generator)
    text_valid = torch.zeros(n, TEXT_SLOTS, dtype=torch.bool)
    text_valid[: n // 2, :3] = True  # half the posters have three lines
    text_flags = torch.zeros(n, TEXT_SLOTS, 2)
    text_flags[: n // 2, 0, 0] = 1  # the first line is the title
    text_valid[: n // 4, 3] = True  # a quarter also have a metadata title
    text_flags[: n // 4, 3, 1] = 1
    depth = torch.rand(n, 81, generator=generator)
    depth[0] = float("nan")  # a poster with no depth
    patches = torch.randn(n, 81, 256, generator=generator)
    # A third of the posters have a trailer of five frames, each near the poster's mean patch.
    frame_valid = torch.zeros(n, MAX_FRAME_TOKENS, dtype=torch.bool)
    frame_valid[: n // 3, :5] = True
    frames = patches.mean(1, keepdim=True) + 0.1 * torch.randn(
        n, MAX_FRAME_TOKENS, 256, generator=generator
    )
    # The posters with text have words; their summary mixes those with their mean patch.
    words = torch.randn(n, 64, generator=generator) * text_valid.any(1, keepdim=True)
    summary = summary_targets(patches.mean(1).numpy(), words.numpy(), np.ones(n, bool))
    return FusionData(
        poster_ids=[f"p{i}" for i in range(n)],
        patches=patches,
        roles=roles / roles.sum(-1, keepdim=True),
        depth=depth,
        faces=(torch.rand(n, 81, generator=generator) > 0.9).float(),
        people=(torch.rand(n, 81, generator=generator) > 0.8).float(),
        text=torch.randn(n, TEXT_SLOTS, 256, generator=generator),
        text_box=torch.rand(n, TEXT_SLOTS, 4, generator=generator),
        text_flags=text_flags,
        text_valid=text_valid,
        frames=frames,
        frame_time=torch.linspace(0, 1, MAX_FRAME_TOKENS).expand(n, -1)[..., None],
        frame_valid=frame_valid,
        labels={
            task: torch.randint(len(classes), (n,), generator=generator)
            for task, classes in TASK_CLASSES.items()
        },
        genres=(torch.rand(n, 5, generator=generator) > 0.7).float(),
        genre_known=torch.arange(n) % 3 != 0,
        summary=torch.from_numpy(summary),
    )
