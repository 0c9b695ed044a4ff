"""A real SMTP server on loopback for email tests (aiosmtpd)."""

import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


@dataclass
class RecordingHandler:
    """Accepts mail, or refuses the first `refuse_first` attempts with a 451. Records
    which connection (the client's address and port) carried each message, and how
    many times a client said QUIT."""

    refuse_first: int = 0
    received: list = field(default_factory=list)
    peers: list = field(default_factory=list)
    refused: int = 0
    quits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refused < self.refuse_first:
                self.refused += 1
                return "451 Try again later"
            self.received.append(envelope)
            self.peers.append(session.peer)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        with self.lock:
            self.quits += 1
        return "221 Bye"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPSink:
    def __init__(self, refuse_first: int = 0, port: int | None = None):
        self.handler = RecordingHandler(refuse_first=refuse_first)
        self.port = port or free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.handler.received

    def settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_TIMEOUT": 5,
        }
