"""The Celery app. Without CELERY_BROKER_URL tasks run in process (eager)."""

import os

from celery import Celery

# As manage.py: the embedded defaults unless the environment says production.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "placements.settings.local")

app = Celery("placements")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
