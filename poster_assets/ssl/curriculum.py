"""Curriculum schedules: how much the SimSiam loss and the structural auxiliary losses count at
each point of training. `structure_first` starts from the easy structural labels and moves to
the harder self-supervised objective (thirds: structure only, both, SimSiam only);
`simsiam_first` is the reverse, as an ablation; `joint` uses both throughout; `simsiam` is plain
SimSiam."""

from __future__ import annotations

SCHEDULES = ("simsiam", "joint", "structure_first", "simsiam_first")


def stage_weights(schedule: str, progress: float) -> tuple[float, float]:
    """(SimSiam weight, structure weight) at `progress` in [0, 1) of training."""
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; one of {', '.join(SCHEDULES)}")
    if schedule == "simsiam":
        return 1.0, 0.0
    if schedule == "joint":
        return 1.0, 1.0
    third = min(int(progress * 3), 2)
    first, both, last = (0.0, 1.0), (1.0, 1.0), (1.0, 0.0)
    order = (first, both, last) if schedule == "structure_first" else (last, both, first)
    return order[third]
