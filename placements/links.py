"""Secret links: the one way a token for a provider's link is made and stored. The
email carries the token; the database keeps only its SHA-256 hash, so a copy of the
database opens no link (docs/decisions/0004-secret-links-for-providers.md)."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet

TOKEN_BYTES = 32
LONGEST_TOKEN = 100  # a longer "token" matches nothing, without asking the database
OPEN = "open"

Item = TypeVar("Item", bound=Model)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def private(response):
    """A page reached through a secret link: never stored by a browser or proxy, never
    indexed. Referrer-Policy stays same-origin (the site's default): the token never
    leaves for another site, and the browser still sends the Origin that CSRF needs."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def find_link(links: QuerySet, token: str) -> Any:
    """The link (a row with a `token_hash`) that `token` opens, or None."""
    if not token or len(token) > LONGEST_TOKEN:
        return None
    return links.filter(token_hash=token_hash(token)).first()


@dataclass(frozen=True)
class LinkState(Generic[Item]):
    """Where a secret link stands: `state` is "open" when it may be used (to answer, to
    sign), or a word for why not ("read_only", "signed", "expired", "revoked", "closed",
    "unknown"). `item` is what the link is for (a provider's request, an agreement) and
    is None whenever the page may show nothing about it."""

    state: str
    item: Item | None = None
    link: Any = None
    expires_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state == OPEN
