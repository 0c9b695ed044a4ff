"""A real Celery worker for tests, as a subprocess on the test database, with SMTP
pointed at a sink; and a Redis of the test's own for tests that stop the broker.

    with SMTPSink() as sink, CeleryWorker(smtp_port=sink.port) as worker, publishing():
        ...                  # tasks queued here go through Redis to the worker
        worker.kill()        # SIGKILL: no warm shutdown, unacked tasks stay unacked
        worker.start()       # a fresh worker process

The worker logs to a file, never a pipe, so a chatty worker cannot block on a full
pipe; `worker.output` reads every run's log for assertion messages.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.support.smtp import free_port


def database_url() -> str:
    """The test database as a URL, for a process that is not this one."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return "postgres://{}{}@{}:{}/{}".format(
        db["USER"], password, db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
    )


class CeleryWorker:
    """`celery -A placements worker --pool=threads` on the test database.

    `env` adds or overrides settings for the worker, for example short
    OUTBOX_CLAIM_SECONDS; `broker_url` defaults to the configured broker. The
    benchmarks use it too, with their own settings module and `pool="prefork"`."""

    def __init__(
        self,
        *,
        smtp_port: int,
        broker_url: str | None = None,
        concurrency: int = 4,
        pool: str = "threads",
        env: dict[str, str] | None = None,
    ):
        self.broker_url = broker_url or settings.CELERY_BROKER_URL
        self.concurrency = concurrency
        self.pool = pool
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "placements.settings.test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": self.broker_url,
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "TEST_CELERY_EAGER": "false",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.logs: list[Path] = []
        self._log_dir = Path(tempfile.mkdtemp(prefix="celery-worker-"))

    def start(self) -> "CeleryWorker":
        assert not self.running, "the worker is already running"
        log = self._log_dir / f"worker-{len(self.logs) + 1}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "placements",
                    "worker",
                    f"--pool={self.pool}",
                    f"--concurrency={self.concurrency}",
                    "--loglevel=WARNING",
                    "-Q",
                    "celery",
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                ],
                env=self.env,
                cwd=settings.BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL, as when a container is killed: tasks in hand are neither finished
        nor handed back to the broker."""
        if self.running:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown (SIGTERM); SIGKILL if it has not gone within `timeout`."""
        if not self.running:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self) -> "CeleryWorker":
        self.kill()
        return self.start()

    def wait_ready(self, timeout: float = 30) -> None:
        """Until the worker answers a ping over the broker (it is consuming)."""
        deadline = time.monotonic() + timeout
        # The ping goes out through the app's own producers: point them at this broker.
        with publishing(self.broker_url) as app:
            while time.monotonic() < deadline:
                assert self.running, f"the worker exited:\n{self.output[-3000:]}"
                if app.control.ping(timeout=0.5):
                    return
        raise AssertionError(f"the worker did not answer within {timeout}s:\n{self.output[-3000:]}")

    @property
    def output(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')}"
            for log in self.logs
            if log.exists()
        )

    def __enter__(self) -> "CeleryWorker":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        if not any(exc):
            shutil.rmtree(self._log_dir, ignore_errors=True)


def _forget_broker_connections(app) -> None:
    """Close the app's broker connections and producers (kombu keeps them per URL), so
    the next task goes out on a connection to whatever `broker_url` now says."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def publishing(broker_url: str | None = None):
    """Tasks queued by this (the test) process go to the broker, not run in process;
    with `broker_url`, to that broker instead of the configured one."""
    from placements.celery import app

    # Publishing goes through broker_write_url (CELERY_BROKER_URL in the environment
    # would win over a new broker_url).
    eager, url = app.conf.task_always_eager, app.conf.broker_write_url
    app.conf.task_always_eager = False
    if broker_url:
        _forget_broker_connections(app)
        app.conf.broker_write_url = broker_url
    try:
        yield app
    finally:
        app.conf.task_always_eager = eager
        if broker_url:
            _forget_broker_connections(app)
            app.conf.broker_write_url = url


def purge_queue(broker_url: str | None = None) -> None:
    """Drop tasks an earlier test left in the queue (its retries, its duplicates)."""
    from placements.celery import app

    with app.connection_for_write(broker_url or settings.CELERY_BROKER_URL) as conn:
        conn.default_channel.queue_purge("celery")


class RedisServer:
    """A Redis of the test's own on a free loopback port, so a test may stop and start
    its broker without touching the one other tests (or people) use. Nothing is
    persisted: a restart comes back empty, as a broker that lost its data does."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
            [
                shutil.which("redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_up()
        return self

    def wait_until_up(self, timeout: float = 10) -> None:
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while True:
            try:
                if client.ping():
                    return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def stop(self) -> None:
        """As `redis-cli shutdown nosave`: whatever was queued is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
