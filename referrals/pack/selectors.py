"""What the pack's pages read: the current pack, what was taken out, the passages."""

import re
from typing import Any

from placements.models import CouncilSettings
from referrals.models import Referral, ResourceRequest
from referrals.pack.content import build_pack


def current_pack(referral: Referral) -> ResourceRequest | None:
    """The latest pack that is being checked or was released (never a superseded one)."""
    return (
        referral.resource_requests.exclude(status=ResourceRequest.Status.SUPERSEDED)
        .prefetch_related("flags")
        .order_by("-version")
        .first()
    )


def pack_replacements(referral: Referral) -> list[dict[str, Any]]:
    """What the pack took out of the referral's free text, what each became and which
    field said so: for the officer checking the pack, never for providers."""
    council = CouncilSettings.load()
    pack = build_pack(referral, people_style=council.people_in_pack)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for original, replacement, source in pack.replacements:
        row = rows.setdefault(
            (replacement, source), {"replacement": replacement, "source": source, "written": []}
        )
        written = " ".join(original.split())
        if written not in row["written"]:
            row["written"].append(written)
    return sorted(rows.values(), key=lambda row: (row["source"], row["replacement"]))


def pack_passages(request: ResourceRequest) -> list[dict[str, Any]]:
    """Each passage of a stored pack split into plain and flagged pieces, so a template
    can mark the words to check without building HTML by hand."""
    open_words = {f.word for f in request.flags.all() if f.resolution == "open"}
    passages = []
    for entry in request.content["texts"]:
        words = {w for w in open_words if w.casefold() in entry["text"].casefold()}
        pieces, text = [], entry["text"]
        if words:
            # Any case ("HARTWELL PARK" under the flag "Hartwell Park").
            ordered = sorted(words, key=len, reverse=True)
            pattern = re.compile(
                r"(?<![^\W_])(" + "|".join(map(re.escape, ordered)) + r")(?![^\W_])",
                re.IGNORECASE,
            )
            last = 0
            for match in pattern.finditer(text):
                pieces.append({"text": text[last : match.start()], "flagged": False})
                pieces.append({"text": match.group(0), "flagged": True})
                last = match.end()
            pieces.append({"text": text[last:], "flagged": False})
        else:
            pieces = [{"text": text, "flagged": False}]
        passages.append({**entry, "pieces": pieces, "open": len(words)})
    return passages
