"""The anonymised pack: prepared from the referral, its flags checked, passages edited,
words allowed, then released to be sent."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.services import DomainError
from referrals.anonymise.residual import looks_personal
from referrals.anonymise.text import fold
from referrals.common import _brokerage, chronology_add
from referrals.models import (
    AllowedWord,
    ChronologyEntry,
    PackFlag,
    Referral,
    ResourceRequest,
)
from referrals.pack.content import (
    WordToCheck,
    build_pack,
    pack_content,
    referral_fingerprint,
    referral_redactor,
    words_to_check,
)
from referrals.workflow import (
    Status,
)

logger = logging.getLogger(__name__)


@transaction.atomic
def pack_prepare(*, referral: Referral, actor: User) -> ResourceRequest:
    """Build the pack from the referral as it is now, for the officer to check. Any pack
    still being checked is superseded; a released one stays as it was sent."""
    locked = _brokerage(referral)
    if locked.status not in (Status.APPROVED, Status.ACCEPTED):
        raise DomainError("Prepare the pack once the search is approved")
    council = CouncilSettings.load()
    pack = build_pack(locked, people_style=council.people_in_pack)
    locked.resource_requests.filter(status=ResourceRequest.Status.CHECKING).update(
        status=ResourceRequest.Status.SUPERSEDED
    )
    version = (locked.resource_requests.aggregate(top=Max("version"))["top"] or 0) + 1
    request = ResourceRequest.objects.create(
        referral=locked,
        version=version,
        content=pack_content(pack),
        source_fingerprint=referral_fingerprint(locked),
        prepared_by=actor,
    )
    to_check = pack.words_to_check()
    _flags_add(request, to_check.values())
    chronology_add(
        referral=locked,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"Anonymised pack version {version} prepared ({len(to_check)} "
            f"word{'s' * (len(to_check) != 1)} to check)"
        ),
    )
    return request


def _flags_add(request: ResourceRequest, words: Iterable[WordToCheck]) -> None:
    """One flag a word to check, with every passage it is in and why."""
    PackFlag.objects.bulk_create(
        [
            PackFlag(
                resource_request=request,
                label=_labels(word.labels),
                word=word.word[:200],
                looks_like=word.looks_like[:100],
            )
            for word in words
        ]
    )


def _labels(labels: list[str]) -> str:
    joined = "; ".join(labels)
    return joined if len(joined) <= 500 else joined[:497] + "..."


def _checking(request: ResourceRequest) -> ResourceRequest:
    locked = ResourceRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ResourceRequest.Status.CHECKING:
        raise DomainError("This pack is no longer being checked: prepare it again")
    return locked


@transaction.atomic
def pack_edit_text(
    *, resource_request: ResourceRequest, key: str, text: str, actor: User
) -> ResourceRequest:
    """The officer rewrites one passage. It is redacted again (nothing known can come
    back in); the whole pack is checked again, open flags no longer in it are resolved
    as changed, and new words are added to check."""
    locked = _checking(resource_request)
    entry = next((t for t in locked.content["texts"] if t["key"] == key), None)
    if entry is None:
        raise DomainError("There is no such passage in the pack")
    council = CouncilSettings.load()
    redactor = referral_redactor(
        locked.referral, people_style=council.people_in_pack, council=council
    )
    entry["text"] = redactor.redact(text).text
    locked.save(update_fields=["content"])
    now_flagged = words_to_check(
        [
            (passage["label"], flag)
            for passage in locked.content["texts"]
            for flag in redactor.redact(passage["text"]).flags
        ]
    )
    now = timezone.now()
    settled = set()  # words still to check, or accepted (wherever they now stand)
    changed, relabelled = [], []
    for flag in locked.flags.all():
        key = fold(flag.word)
        word = now_flagged.get(key)
        if flag.resolution == PackFlag.Resolution.ACCEPTED:
            settled.add(key)
        elif flag.resolution == PackFlag.Resolution.OPEN and word is None:
            flag.resolution = PackFlag.Resolution.CHANGED
            flag.resolved_by, flag.resolved_at = actor, now
            changed.append(flag)
        elif flag.resolution == PackFlag.Resolution.OPEN and word is not None:
            flag.label = _labels(word.labels)  # it may be in other passages now
            relabelled.append(flag)
            settled.add(key)
    PackFlag.objects.bulk_update(changed, ["resolution", "resolved_by", "resolved_at"])
    PackFlag.objects.bulk_update(relabelled, ["label"])
    # A word changed away and typed back, or new, is to check (again).
    _flags_add(locked, [word for key, word in now_flagged.items() if key not in settled])
    return locked


@transaction.atomic
def pack_flag_accept(
    *, flag: PackFlag, reason: str, actor: User, remember: bool = False
) -> PackFlag:
    """The word is safe to send (a pet's name, a club): accepted, with why. Remembered
    for the council when the officer says it is never personal (a place the council
    allows, a brand), so no pack flags it again."""
    if not reason.strip():
        raise DomainError("Say why this word is safe to send to providers")
    _checking(flag.resource_request)
    flag = PackFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.resolution != PackFlag.Resolution.OPEN:
        raise DomainError("This word has already been resolved")
    if remember and looks_personal(flag.word):
        raise DomainError(
            f"“{flag.word}” looks like a person's name: accept it for this pack only, "
            "without allowing it in every pack"
        )
    flag.resolution = PackFlag.Resolution.ACCEPTED
    flag.reason = reason.strip()
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["resolution", "reason", "resolved_by", "resolved_at"])
    if remember and not AllowedWord.objects.filter(folded=fold(flag.word)).exists():
        allowed_word_add(word=flag.word, reason=flag.reason, actor=actor)
    return flag


def allowed_word_add(*, word: str, reason: str, actor: User) -> AllowedWord:
    """The council allows this word in what providers read; recorded with who and why."""
    word = " ".join(word.split())
    if not word:
        raise DomainError("Enter the word or phrase to allow")
    if not reason.strip():
        raise DomainError("Say why this word is safe to send to providers")
    if looks_personal(word):
        raise DomainError(
            f"“{word}” looks like a person's name: it cannot be allowed in every pack. "
            "Accept it for this pack only, with a reason"
        )
    if AllowedWord.objects.filter(folded=fold(word)).exists():
        raise DomainError(f"“{word}” is already allowed in every pack")
    return AllowedWord.objects.create(
        word=word, folded=fold(word), reason=reason.strip(), added_by=actor
    )


def allowed_word_remove(*, allowed: AllowedWord, actor: User) -> None:
    """The word is flagged again from the next pack on. (Recorded in the log: the
    word and who removed it.)"""
    logger.info("Allowed word %s removed by user %s", allowed.pk, actor.pk)
    allowed.delete()


@transaction.atomic
def pack_release(*, resource_request: ResourceRequest, actor: User) -> ResourceRequest:
    """Checked and ready for providers: only with every flag resolved, and only while
    the referral is as it was when the pack was prepared."""
    locked = _checking(resource_request)
    open_flags = locked.flags.filter(resolution=PackFlag.Resolution.OPEN).count()
    if open_flags:
        raise DomainError(
            f"{open_flags} word{'s' if open_flags != 1 else ''} still to check before release"
        )
    if referral_fingerprint(locked.referral) != locked.source_fingerprint:
        raise DomainError("The referral has changed since this pack was prepared: prepare it again")
    locked.status = ResourceRequest.Status.RELEASED
    locked.released_by = actor
    locked.released_at = timezone.now()
    locked.save(update_fields=["status", "released_by", "released_at"])
    chronology_add(
        referral=locked.referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=f"Anonymised pack version {locked.version} checked and released",
    )
    return locked
