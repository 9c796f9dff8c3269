"""Names of the pretraining tasks (see train.py), importable without PyTorch."""

TASKS = ("subject_views", "labels", "layer_patches", "salient_crops", "text_image")
AUXILIARY_TASKS = TASKS[1:]  # those with a loss of their own; subject_views changes SimSiam's views
