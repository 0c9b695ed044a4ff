"""gunicorn's access log without the secrets in providers' link paths.

A provider's link (/respond/<token>/, /sign/<token>/) is the key to a child's pack or
agreement. Django's own logs already leave these paths out; this logger class does the
same for gunicorn's access log, in the request line, the path and the Referer (pages
under a link send it as their referrer). Use it with
`gunicorn --logger-class placements.access_log.RedactingLogger`."""

import re

from gunicorn.glogging import Logger

SECRET_PATH = re.compile(r"/(respond|sign)/[^/?#\s]+")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"/\1/[link]", text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
