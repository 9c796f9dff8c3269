"""The Celery app a worker runs: dagster-celery's step task, pointed at our broker.

export POSTER_ASSETS_HOME=... DAGSTER_HOME=$POSTER_ASSETS_HOME/dagster
export POSTER_ASSETS_CELERY_BROKER=redis://HOST:6379/0
export POSTER_ASSETS_CELERY_BACKEND=redis://HOST:6379/1
celery -A poster_assets.scale.celery_worker worker --concurrency 1 -n w1@%h
"""

from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from poster_assets.scale.celery_settings import CelerySettings

settings = CelerySettings.from_environment()
app = make_app()
app.conf.update(broker_url=settings.broker, result_backend=settings.backend)
execute_plan = create_task(app)
