"""What the offers steps share: brokerage's hold on the referral, the offer re-read and
checked to still stand, and the officers told of the social worker's answers."""

from placements.models import User
from placements.permissions import is_brokerage
from placements.services import DomainError
from referrals.models import ProviderAnswer, Referral
from referrals.workflow import Status

from ..models import Shortlist
from ..rules import offer_is_current


def brokerage_referral(referral: Referral, actor: User) -> Referral:
    """The referral, locked, for a brokerage step while its offers are open."""
    if not is_brokerage(actor):
        raise DomainError("Only brokerage can do this")
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != Status.ACCEPTED:
        raise DomainError(
            f"This referral is {locked.get_status_display().lower()}: its offers are closed"
        )
    return locked


def fresh_offer(response: ProviderAnswer, referral: Referral) -> ProviderAnswer:
    """The offer, fresh, checked to belong to the referral and still stand as it is."""
    fresh = (
        ProviderAnswer.objects.select_related("request__provider", "request__round")
        .prefetch_related("revisions", "flag_overrides")
        .get(pk=response.pk)
    )
    if fresh.request.round.referral_id != referral.pk:
        raise DomainError("This offer is not for this referral")
    if not offer_is_current(fresh):
        raise DomainError(
            f"{fresh.request.provider}'s offer has been withdrawn or changed since: "
            "refresh the page"
        )
    return fresh


def officer_emails(referral: Referral, shortlist: Shortlist | None = None) -> list[str]:
    """The assigned officer, or else whoever sent the options."""
    officer = referral.assigned_officer or (shortlist.sent_by if shortlist else None)
    return [officer.email] if officer else []
