"""Production settings refuse to start where emails with secret links would be written
to disk and tasks run inside requests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "placements.settings.production",
    "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "placements.council.example",
    "PATH": os.environ.get("PATH", ""),
}


def load(**env) -> subprocess.CompletedProcess:
    environment = {**BASE_ENV, **env}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_relay_or_broker_refuses_to_start():
    result = load()
    assert result.returncode != 0
    assert "Production needs EMAIL_URL and CELERY_BROKER_URL" in result.stderr
    result = load(EMAIL_URL="smtp://relay.council.example:587")
    assert "Production needs CELERY_BROKER_URL:" in result.stderr


def test_production_starts_with_both_or_for_a_one_off_command():
    both = load(
        EMAIL_URL="smtp://relay.council.example:587", CELERY_BROKER_URL="redis://127.0.0.1:6379/9"
    )
    assert both.returncode == 0, both.stderr
    assert load(DJANGO_ONE_OFF_COMMAND="true").returncode == 0
