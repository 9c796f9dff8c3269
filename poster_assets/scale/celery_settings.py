"""Where the Celery broker and result backend are: one setting for the process that submits
steps and for every worker, read from the environment (Redis by default)."""

from __future__ import annotations

import os
from dataclasses import dataclass

BROKER_ENV_VAR = "POSTER_ASSETS_CELERY_BROKER"
BACKEND_ENV_VAR = "POSTER_ASSETS_CELERY_BACKEND"
DEFAULT_BROKER = "redis://localhost:6379/0"
DEFAULT_BACKEND = "redis://localhost:6379/1"


@dataclass(frozen=True)
class CelerySettings:
    broker: str
    backend: str

    @classmethod
    def from_environment(cls) -> CelerySettings:
        return cls(
            broker=os.environ.get(BROKER_ENV_VAR, DEFAULT_BROKER),
            backend=os.environ.get(BACKEND_ENV_VAR, DEFAULT_BACKEND),
        )

    def executor_config(self) -> dict[str, object]:
        """The `execution` block of a run config for the Celery job."""
        return {"config": {"broker": self.broker, "backend": self.backend}}
