"""gunicorn, run for real, keeps providers' link secrets out of its access log."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.test import Client

TOKEN = "s3cr3t-Token-that-must-not-be-logged"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, **headers) -> int:
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    except OSError:
        return 0  # not listening yet
    finally:
        connection.close()


def test_gunicorn_access_log_leaves_out_link_tokens(tmp_path: Path):
    port = free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "placements.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [
            sys.executable,
            "-m",
            "gunicorn",
            "placements.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(log),
            "--logger-class",
            "placements.access_log.RedactingLogger",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while get(port, "/healthz") != 200:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        # Unknown tokens: 404 either way; what matters is what gunicorn writes down.
        referrer = f"http://127.0.0.1:{port}/respond/{TOKEN}/"
        get(port, f"/respond/{TOKEN}/", Referer=referrer)
        get(port, f"/sign/{TOKEN}/agreement.pdf")
        get(port, f"/respond/{TOKEN}/offer/?x=1")
        get(port, f"/provider/sign-in/{TOKEN}/", Referer=referrer)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode(errors="replace")
    written = log.read_text()
    assert "/respond/[link]/" in written and "/sign/[link]/agreement.pdf" in written, output
    assert "/provider/sign-in/[link]/" in written
    assert TOKEN not in written


def test_django_own_warnings_leave_secret_links_out_of_every_log(db):
    """A 404 on a provider's link, a CSRF failure on a signing link, a password link:
    Django logs each path; the service's log handler writes it without the secret."""

    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    written = io.StringIO()
    old_stream = handler.setStream(written)
    try:
        # Django's CSRF check logs the path it refuses.
        Client(enforce_csrf_checks=True).post(f"/respond/{TOKEN}/offer/", {"x": "1"})
        Client(enforce_csrf_checks=True).post(f"/sign/{TOKEN}/", {"x": "1"})
        Client(enforce_csrf_checks=True).post(f"/provider/sign-in/{TOKEN}/", {"x": "1"})
        logging.getLogger("django.request").warning(
            "Not Found: %s", f"/account/set-password/MQ/{TOKEN}/"
        )
    finally:
        handler.setStream(old_stream)
    log = written.getvalue()
    assert "/respond/[link]/offer/" in log and "/sign/[link]/" in log
    assert "/provider/sign-in/[link]/" in log
    assert "/account/set-password/[link]" in log
    assert TOKEN not in log
