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
