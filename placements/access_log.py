"""gunicorn's access log without the secrets in providers' link paths.

A provider's link (/respond/<token>/, /sign/<token>/) is the key to a child's pack or
agreement, and its emailed sign-in link (/provider/sign-in/<token>/) the key to its
account. `RedactSecretLinks` takes them out of every log record the service writes
(settings' LOGGING); this logger class does the same for gunicorn's access log, in
the request line, the path and the Referer (pages under a link send it as their
referrer). Use it with
`gunicorn --logger-class placements.access_log.RedactingLogger`."""

import logging
import re

from gunicorn.glogging import Logger

SECRET_PATH = re.compile(r"/(respond|sign|provider/sign-in)/(?!sent/)[^/?#\s\"']+")
# The link a new user sets a password with: /account/set-password/<uid>/<token>/.
PASSWORD_PATH = re.compile(r"/account/set-password/[^/?#\s\"']+/[^/?#\s\"']+")


def redact(text: str) -> str:
    text = SECRET_PATH.sub(r"/\1/[link]", text)
    return PASSWORD_PATH.sub("/account/set-password/[link]", text)


class RedactSecretLinks(logging.Filter):
    """A logging filter for every handler: Django's own warnings (a CSRF failure, a 405,
    a 404) print the request path, which for a provider's link or a password link is
    the secret itself. The message is formatted, redacted, and passed on."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
