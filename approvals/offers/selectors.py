"""Reads about offers and options, scoped through the referral the page loaded (its
loader 404s for what a user may not see)."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404

from placements.models import CouncilSettings, User
from providers.models import Provider
from referrals.models import ProviderAnswer, Referral
from referrals.search.selectors import standing_offers

from .models import FlexibilityRequest, Shortlist, ShortlistOption
from .rules import OVERRIDERS, Flag, funding_limit, offer_flags


@dataclass
class OfferRow:
    """One offer in the comparison, with its flags and where it stands."""

    response: ProviderAnswer
    flags: list[Flag]
    shortlisted: bool

    @property
    def provider(self) -> Provider:
        return self.response.request.provider

    @property
    def open_flags(self) -> list[Flag]:
        return [flag for flag in self.flags if flag.is_open]


def current_offers(referral: Referral) -> list[ProviderAnswer]:
    """The latest version of every standing offer, with what the comparison reads."""
    return standing_offers(
        referral,
        response_prefetch=("revisions__recorded_by", "flag_overrides__overridden_by"),
        prefetch=("provider__provider_categories__category",),
    )


def offer_comparison(referral: Referral, *, council: CouncilSettings) -> list[OfferRow]:
    """Every standing offer side by side, cheapest (as negotiated) first, in-house first
    among equals, each with its rule flags."""
    limit = funding_limit(referral)
    on_list = set(
        ShortlistOption.objects.filter(
            shortlist__referral=referral, shortlist__status=Shortlist.Status.AWAITING
        ).values_list("response_id", flat=True)
    )
    rows = [
        OfferRow(
            response=offer,
            flags=offer_flags(offer, limit=limit, council=council),
            shortlisted=offer.pk in on_list,
        )
        for offer in current_offers(referral)
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.response.agreed_total_weekly,
            not row.provider.is_in_house,
            row.provider.name,
        ),
    )


def get_offer(referral: Referral, response_pk: int) -> ProviderAnswer:
    for offer in current_offers(referral):
        if offer.pk == response_pk:
            return offer
    raise Http404


def referral_shortlists(referral: Referral) -> list[Shortlist]:
    return list(
        referral.shortlists.select_related("sent_by", "decided_by", "chosen").prefetch_related(
            Prefetch(
                "options",
                queryset=ShortlistOption.objects.select_related(
                    "response__request__provider", "response__request__round"
                ),
            )
        )
    )


def open_flexibility(referral: Referral) -> FlexibilityRequest | None:
    """The question about flexibility still waiting for the social worker: unanswered,
    asked after the last options were sent, on a referral still being searched for."""
    if referral.status != Referral.Status.ACCEPTED:
        return None
    asked = referral.flexibility_requests.filter(answered_at__isnull=True)
    latest = referral.shortlists.order_by("-sent_at").values_list("sent_at", flat=True).first()
    if latest is not None:
        asked = asked.filter(asked_at__gt=latest)
    return asked.order_by("-asked_at").first()


def flag_overriders() -> list[str]:
    """The names of the people who may override an offer's rule flag."""
    return [
        user.full_name
        for user in User.objects.filter(is_active=True, role_assignments__role__in=OVERRIDERS)
        .distinct()
        .order_by("full_name")
    ]
