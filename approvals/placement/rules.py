"""The rules after approval, as pure reads: how a placement and each version of its
agreement move, and who may countersign the agreement, declaring what."""

from placements.models import CouncilSettings, User
from placements.permissions import is_brokerage

from .models import Placement, PlacementAgreement

# How a placement and its agreement move (referrals.workflow.step).
PlacementStatus = Placement.Status
PLACEMENT_STEPS: dict[str, set[str]] = {
    PlacementStatus.CONFIRMED: {PlacementStatus.AGREEMENT_SENT},
    # A new version of the agreement may replace an unsigned one.
    PlacementStatus.AGREEMENT_SENT: {PlacementStatus.AGREEMENT_SENT, PlacementStatus.SIGNED},
    PlacementStatus.SIGNED: {PlacementStatus.PLACED},
    # A package varied after its award: a new version of the agreement to sign.
    PlacementStatus.PLACED: {PlacementStatus.AGREEMENT_SENT},
}
AgreementStatus = PlacementAgreement.Status
AGREEMENT_STEPS: dict[str, set[str]] = {
    AgreementStatus.SENT: {AgreementStatus.SIGNED, AgreementStatus.SUPERSEDED},
    AgreementStatus.SIGNED: {AgreementStatus.COUNTERSIGNED},
    # Replaced once a later version (a package's variation) is countersigned.
    AgreementStatus.COUNTERSIGNED: {AgreementStatus.SUPERSEDED},
    AgreementStatus.SUPERSEDED: set(),
}


def countersign_declaration(council: CouncilSettings) -> str:
    """What the countersigner declares, in the provider's words but for the council."""
    return (
        "I agree to the terms of this placement agreement and I may countersign it for "
        f"{council.council_name}"
    )


def countersign_blocker(
    agreement: PlacementAgreement, user: User, council: CouncilSettings
) -> str | None:
    """Why `user` may not countersign `agreement`, or None if they may."""
    if not is_brokerage(user):
        return "Only brokerage can countersign the agreement"
    if council.countersign_by_another_person and agreement.issued_by_id == user.pk:
        return (
            "You issued this agreement, and the council requires two people: another "
            "brokerage officer or the duty lead must countersign it"
        )
    return None
