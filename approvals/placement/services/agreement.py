"""The individual placement agreement: each version issued as a PDF with a secret link
for the provider, signed through it (or a signed copy uploaded), countersigned by
brokerage, and the referral placed."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from placements.links import LinkState, find_link, new_token, token_hash
from placements.models import CouncilSettings, User
from placements.services import DomainError, outbox_enqueue
from placements.uploads import pdf_active_content
from referrals.common import chronology_add, referral_email
from referrals.models import ChronologyEntry
from referrals.pack.content import provider_email_check
from referrals.search.ending import search_end
from referrals.workflow import Stage, Status, stage_move, step, transition

from ..models import AgreementLink, Placement, PlacementAgreement, PlacementChange
from ..pdf import agreement_pdf
from ..rules import AGREEMENT_STEPS, PLACEMENT_STEPS, countersign_blocker, countersign_declaration
from .placement import locked_placement, require_brokerage

MAX_SIGNED_COPY_BYTES = 10 * 1024 * 1024


def agreement_url(token: str) -> str:
    return settings.SITE_URL + reverse("sign:page", kwargs={"token": token})


@transaction.atomic
def agreement_issue(
    *, placement: Placement, actor: User, varying: bool = False
) -> PlacementAgreement:
    """Generate the IPA from the agreed terms as a new version and send the provider a
    secret link to sign it. An earlier unsigned version is replaced and its link dies.
    `varying`: a package's terms changed after its award (the countersigned version
    stands until the new one is countersigned)."""
    require_brokerage(actor)
    locked = locked_placement(placement)
    if locked.status == Placement.Status.PLACED and not varying:
        raise DomainError("The agreement is already countersigned")
    if locked.status == Placement.Status.SIGNED:
        raise DomainError("The provider has signed this agreement: countersign it")
    now = timezone.now()
    earlier = list(
        locked.agreements.exclude(
            status__in=[
                PlacementAgreement.Status.SUPERSEDED,
                PlacementAgreement.Status.COUNTERSIGNED,
            ]
        )
    )
    AgreementLink.objects.filter(agreement__in=earlier, revoked_at__isnull=True).update(
        revoked_at=now
    )
    for replaced in earlier:
        step(
            replaced,
            to=PlacementAgreement.Status.SUPERSEDED,
            allowed=AGREEMENT_STEPS,
            referral=locked.referral,
            actor=actor,
        )
    version = locked.agreements.count() + 1
    agreement = PlacementAgreement(placement=locked, version=version, issued_by=actor)
    agreement.issued_pdf.save(
        f"ipa-{locked.referral.reference}-v{version}.pdf",
        ContentFile(agreement_pdf(placement=locked, version=version)),
        save=False,
    )
    agreement.save()
    # A change whose version this one replaces (sent again) comes into force with it.
    PlacementChange.objects.filter(agreement__in=earlier).update(agreement=agreement)
    council = CouncilSettings.load()
    token = _new_agreement_link(agreement, council)
    step(
        locked,
        to=Placement.Status.AGREEMENT_SENT,
        allowed=PLACEMENT_STEPS,
        referral=locked.referral,
        actor=actor,
    )
    outbox_enqueue(
        key=f"agreement_to_sign:{agreement.pk}",
        to=locked.provider.referral_emails,
        template="agreement_to_sign",
        context={
            "reference": locked.referral.reference,
            "provider": locked.provider,
            "link": agreement_url(token),
            "days": council.agreement_link_days,
            "council": council,
        },
        sensitive=True,
        check=provider_email_check(locked.referral, council),
    )
    _agreement_step(
        locked,
        actor=actor,
        text=f"Placement agreement version {version} sent to {locked.provider} to sign",
        next_action="Wait for the provider to sign the agreement",
        due=timezone.localtime(now + dt.timedelta(days=council.agreement_link_days)).date(),
    )
    return agreement


def _agreement_step(
    placement: Placement, *, actor: User | None, text: str, next_action: str, due: dt.date
) -> None:
    """An agreement's step on its referral: the stage and the next action move with it,
    except for a part already in place (a package's changed agreement), which stays in
    place meanwhile: the chronology alone says so."""
    if placement.placed_at is not None:
        chronology_add(
            referral=placement.referral, actor=actor, kind=ChronologyEntry.Kind.NOTE, text=text
        )
        return
    stage_move(
        referral=placement.referral,
        to=Stage.AGREEMENT,
        actor=actor,
        text=text,
        next_action=next_action,
        due=due,
    )


def agreement_link_resolve(
    token: str, *, now: dt.datetime | None = None
) -> LinkState[PlacementAgreement]:
    """Open to sign while the version is waiting; readable once signed and once
    countersigned (to download the final PDF); closed when replaced, revoked or expired."""
    link = find_link(
        AgreementLink.objects.select_related(
            "agreement__placement__provider", "agreement__placement__referral"
        ),
        token,
    )
    if link is None:
        return LinkState("unknown")
    now = now or timezone.now()
    agreement = link.agreement
    if (
        link.revoked_at
        or now >= link.expires_at
        or agreement.placement.referral.status == Status.WITHDRAWN
    ):
        return LinkState("closed")
    states = {
        PlacementAgreement.Status.SENT: "open",
        PlacementAgreement.Status.SIGNED: "signed",
        PlacementAgreement.Status.COUNTERSIGNED: "countersigned",
    }
    if agreement.status in states:
        return LinkState(states[agreement.status], agreement, link, link.expires_at)
    return LinkState("closed")


def _signed(agreement: PlacementAgreement, **fields: Any) -> PlacementAgreement:
    """Signed by the provider: the agreement and its placement move together, locked in
    the one order (referral, placement, agreement)."""
    placement = locked_placement(agreement.placement)
    referral = placement.referral

    def sign(row: PlacementAgreement) -> list[str]:
        for name, value in fields.items():
            setattr(row, name, value)
        row.signed_at = timezone.now()
        return [*fields, "signed_at"]

    locked = step(
        agreement,
        to=PlacementAgreement.Status.SIGNED,
        allowed=AGREEMENT_STEPS,
        referral=referral,
        actor=None,
        update=sign,
        refused="This agreement has already been signed or replaced",
    )
    step(
        placement,
        to=Placement.Status.SIGNED,
        allowed=PLACEMENT_STEPS,
        referral=referral,
        actor=None,
    )
    officer = referral.assigned_officer or locked.issued_by
    referral_email(
        referral,
        to=[officer.email],
        template="agreement_signed",
        key=f"agreement-signed-{locked.pk}",
        agreement=locked,
        provider=placement.provider,
    )
    text = f"Placement agreement version {locked.version} signed for {placement.provider} " + (
        "(signed copy uploaded)"
        if locked.signed_copy
        else f"by {locked.signed_name}, {locked.signed_role}"
    )
    _agreement_step(
        placement,
        actor=None,  # the provider signs through its link, not as a user
        text=text,
        next_action="Countersign the agreement",
        due=timezone.localdate(),
    )
    return locked


@transaction.atomic
def agreement_sign(
    *, agreement: PlacementAgreement, name: str, role: str, declaration: bool
) -> PlacementAgreement:
    """The provider signs through their link: typed name, role and the declaration."""
    if not name.strip():
        raise DomainError("Enter your full name")
    if not role.strip():
        raise DomainError("Enter your role")
    if not declaration:
        raise DomainError("Confirm that you agree to the terms and may sign for the provider")
    return _signed(agreement, signed_name=name.strip(), signed_role=role.strip())


@transaction.atomic
def agreement_upload(
    *, agreement: PlacementAgreement, content: bytes, name: str, role: str
) -> PlacementAgreement:
    """Or the provider uploads the agreement signed on paper, as a PDF."""
    if not name.strip() or not role.strip():
        raise DomainError("Enter your full name and role")
    if not content.startswith(b"%PDF-"):
        raise DomainError("The signed copy must be a PDF")
    if len(content) > MAX_SIGNED_COPY_BYTES:
        raise DomainError("The signed copy must be smaller than 10 MB")
    if active := pdf_active_content(content):
        raise DomainError(
            f"The signed copy carries {' and '.join(active)}, which the council cannot "
            "accept: print it to PDF again (or scan the paper copy) and upload that"
        )
    locked = PlacementAgreement.objects.get(pk=agreement.pk)
    if locked.status != PlacementAgreement.Status.SENT:
        raise DomainError("This agreement has already been signed or replaced")
    locked.signed_copy.save(
        f"ipa-v{locked.version}-signed-by-provider.pdf", ContentFile(content), save=False
    )
    return _signed(
        agreement,
        signed_copy=locked.signed_copy,
        signed_name=name.strip(),
        signed_role=role.strip(),
    )


def _new_agreement_link(agreement: PlacementAgreement, council: CouncilSettings) -> str:
    token = new_token()
    AgreementLink.objects.create(
        agreement=agreement,
        token_hash=token_hash(token),
        expires_at=timezone.now() + dt.timedelta(days=council.agreement_link_days),
    )
    return token


@transaction.atomic
def agreement_countersign(
    *, agreement: PlacementAgreement, actor: User, name: str, role: str, declaration: bool
) -> PlacementAgreement:
    """The officer countersigns with their name, role and the declaration: the final PDF
    is stored, the referral is placed, the provider is sent a new link to the final PDF,
    the other providers' links are revoked and they are told."""
    require_brokerage(actor)
    if not name.strip():
        raise DomainError("Enter your full name")
    if not role.strip():
        raise DomainError("Enter your role or job title")
    if not declaration:
        raise DomainError("Confirm that you agree to the terms and may countersign for the council")
    # Locks in the one order: the referral, then the placement, then the agreement.
    placement = locked_placement(agreement.placement)
    locked = (
        PlacementAgreement.objects.select_for_update(of=("self",))
        .select_related("placement__referral", "placement__provider", "placement__response")
        .get(pk=agreement.pk)
    )
    if locked.status != PlacementAgreement.Status.SIGNED:
        raise DomainError("Countersign once the provider has signed this version")
    council = CouncilSettings.load()
    if blocker := countersign_blocker(locked, actor, council):
        raise DomainError(blocker)
    now = timezone.now()

    def countersign(row: PlacementAgreement) -> list[str]:
        row.countersigned_by, row.countersigned_at = actor, now
        row.countersigned_name = name.strip()
        row.countersigned_role = role.strip()
        row.countersign_declaration = countersign_declaration(council)
        row.final_pdf.save(
            f"ipa-{placement.referral.reference}-v{row.version}-final.pdf",
            ContentFile(agreement_pdf(placement=placement, version=row.version, agreement=row)),
            save=False,
        )
        return [
            "countersigned_by",
            "countersigned_at",
            "countersigned_name",
            "countersigned_role",
            "countersign_declaration",
            "final_pdf",
        ]

    step(
        locked,
        to=PlacementAgreement.Status.COUNTERSIGNED,
        allowed=AGREEMENT_STEPS,
        referral=placement.referral,
        actor=actor,
        update=countersign,
    )

    # A package varied after it was in place: its new version comes into force.
    varied = placement.placed_at is not None

    def placed(row: Placement) -> list[str]:
        row.placed_at = row.placed_at or now
        return ["placed_at"]

    step(
        placement,
        to=Placement.Status.PLACED,
        allowed=PLACEMENT_STEPS,
        referral=placement.referral,
        actor=actor,
        update=placed,
    )
    countersigned = (
        f"agreement version {locked.version} countersigned by {locked.countersigned_name}, "
        f"{locked.countersigned_role}"
    )
    # The version it replaces (a package's variation) is superseded now, not before.
    for replaced in placement.agreements.filter(
        status=PlacementAgreement.Status.COUNTERSIGNED, version__lt=locked.version
    ):
        step(
            replaced,
            to=PlacementAgreement.Status.SUPERSEDED,
            allowed=AGREEMENT_STEPS,
            referral=placement.referral,
            actor=actor,
        )
    # A package awarded in parts is in place once every provider's agreement is.
    # (A part in place whose varied agreement is out to sign is in place meanwhile.)
    waiting = placement.referral.placements.exclude(pk=placement.pk).filter(placed_at__isnull=True)
    if varied:
        referral = placement.referral
        chronology_add(
            referral=referral,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=f"The varied agreement with {placement.provider} is in force: {countersigned}",
        )
    elif waiting.exists():
        referral = placement.referral
        chronology_add(
            referral=referral,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=f"{placement.placement_type} with {placement.provider}: {countersigned}. "
            f"Waiting for {waiting.count()} other agreement{'s' * (waiting.count() != 1)}",
        )
    else:
        referral = transition(
            referral=placement.referral,
            to=Status.PLACED,
            actor=actor,
            text=(
                f"{'In place' if placement.service else 'Placed'} with {placement.provider} "
                f"from {placement.start_date:%-d %B %Y}: {countersigned}"
            ),
        )
        search_end(
            referral=referral,
            why="The support has been arranged"
            if referral.is_package
            else "A placement has been found",
            actor=actor,
            keep=set(referral.placements.values_list("response__request_id", flat=True)),
        )
    # The provider gets the countersigned agreement through a link of its own, as long
    # as the link to sign would have lasted: nothing about the child is in the email.
    outbox_enqueue(
        key=f"agreement_countersigned:{locked.pk}",
        to=placement.provider.referral_emails,
        template="agreement_countersigned",
        context={
            "reference": referral.reference,
            "provider": placement.provider,
            "version": locked.version,
            "countersigned_at": timezone.localtime(now),
            "link": agreement_url(_new_agreement_link(locked, council)),
            "days": council.agreement_link_days,
            "council": council,
        },
        sensitive=True,
        check=provider_email_check(referral, council),
    )
    if referral.status == Status.PLACED and not varied:
        referral_email(
            referral,
            to=[referral.social_worker.email],
            template="placement_made",
            key=f"placed-{referral.pk}-{locked.pk}",
            placement=placement,
        )
    return locked
