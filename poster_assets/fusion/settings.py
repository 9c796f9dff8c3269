"""What a fused-encoder training run is: the model's size, the views, the tasks and their
schedule, and the ablations the comparison runs (no PyTorch here, so the command line can
list them quickly)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelSettings:
    width: int = 128
    layers: int = 2
    heads: int = 4
    dropout: float = 0.1


@dataclass(frozen=True)
class ViewSettings:
    patches: int = 20  # visible patch tokens
    hidden: int = 0  # patch positions shown as the mask token (their content to predict)
    text_keep: float = 0.5  # chance each text token stays
    frame_keep: float = 0.5  # chance each trailer frame stays
    mirror: bool = True  # mirror the grid half of the time


TASKS = (
    "views", "masked_patches", "whole_poster", "summary", "roles", "text_alignment",
    "trailer_alignment", "labels", "genres",
)  # fmt: skip
STRUCTURE_TASKS = ("roles", "labels")
SCHEDULES = ("joint", "structure_first")
STRUCTURE_SHARE = 1 / 3  # of the steps, for structure_first


@dataclass(frozen=True)
class FusionSettings:
    """Defaults: the best label-free model measured (docs/fusion.md, "The poster's words"):
    the summary task alone, 1,000 steps."""

    tasks: tuple[str, ...] = ("summary",)
    schedule: str = "joint"
    use_text: bool = True
    use_metadata: bool = False  # the metadata title as one more text token
    use_trailers: bool = True  # trailer frames as tokens (posters without one have none)
    steps: int = 1000
    batch_size: int = 128
    learning_rate: float = 1e-3
    weight_decay: float = 0.05
    temperature: float = 0.1
    view: ViewSettings = ViewSettings()
    hidden_patches: int = 10
    seed: int = 0
    model: ModelSettings = field(default_factory=ModelSettings)

    def __post_init__(self) -> None:
        unknown = [task for task in self.tasks if task not in TASKS]
        if unknown or not self.tasks or self.schedule not in SCHEDULES:
            raise ValueError(
                f"tasks {list(self.tasks)} / schedule {self.schedule!r}: tasks are some of "
                f"{', '.join(TASKS)}; schedules {', '.join(SCHEDULES)}"
            )


PATCH_TASKS = ("views", "whole_poster", "masked_patches")
STRUCTURE = (*PATCH_TASKS, "text_alignment", "trailer_alignment", "roles", "labels")
ABLATIONS: dict[str, FusionSettings] = {
    "patches_only": FusionSettings(PATCH_TASKS, "joint", use_text=False),
    "summary": FusionSettings(("summary",), "joint"),
    "summary_patches": FusionSettings(("summary", *PATCH_TASKS), "joint"),
    "summary_structure": FusionSettings(("summary", *STRUCTURE_TASKS), "joint"),
    "summary_curriculum": FusionSettings(("summary", *STRUCTURE_TASKS), "structure_first"),
    "summary_genres": FusionSettings(("summary", "genres"), "joint"),
    "text": FusionSettings((*PATCH_TASKS, "text_alignment"), "joint"),
    "structure": FusionSettings(STRUCTURE, "joint"),
    "curriculum": FusionSettings(STRUCTURE, "structure_first"),
    "curriculum_metadata": FusionSettings(STRUCTURE, "structure_first", use_metadata=True),
    "genre_supervised": FusionSettings((*STRUCTURE, "genres"), "structure_first"),
}
