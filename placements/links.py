"""Secret links: the one way a token for a provider's link is made and stored. The
email carries the token; the database keeps only its SHA-256 hash, so a copy of the
database opens no link (docs/decisions/0004-secret-links-for-providers.md)."""

import hashlib
import secrets

TOKEN_BYTES = 32


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
