"""Reads about offers and options, scoped through the referral the page loaded (its
loader 404s for what a user may not see)."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404

from placements.models import CouncilSettings, User
from providers.models import Provider
from referrals.models import ProviderAnswer, Referral
from referrals.search.selectors import standing_offers

from .models import FlexibilityRequest, NeedsMatch, Shortlist, ShortlistOption
from .ranking import OfferFacts, OfferScore, Weights, offer_scores
from .rules import OVERRIDERS, Flag, funding_limit, offer_flags


@dataclass
class OfferRow:
    """One offer in the comparison, with its flags and where it stands."""

    response: ProviderAnswer
    flags: list[Flag]
    shortlisted: bool
    score: OfferScore | None = None
    needs_match: NeedsMatch | None = None

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


SORTS = {"cost": "lowest total weekly cost first", "score": "highest score first"}


def offer_comparison(
    referral: Referral, *, council: CouncilSettings, sort: str = "cost"
) -> list[OfferRow]:
    """Every standing offer side by side, each with its rule flags and its score on
    quality and cost (`ranking`): cheapest (as negotiated) first, in-house first among
    equals, or (`sort="score"`) best score first."""
    limit = funding_limit(referral)
    on_list = set(
        ShortlistOption.objects.filter(
            shortlist__referral=referral, shortlist__status=Shortlist.Status.AWAITING
        ).values_list("response_id", flat=True)
    )
    offers = current_offers(referral)
    matches = latest_needs_matches(offers)
    scores = scores_of(offers, matches, council=council)
    rows = [
        OfferRow(
            response=offer,
            flags=offer_flags(offer, limit=limit, council=council),
            shortlisted=offer.pk in on_list,
            score=scores[offer.pk],
            needs_match=matches.get(offer.request_id),
        )
        for offer in offers
    ]
    if sort == "score":
        return sorted(rows, key=lambda row: row.score.rank if row.score else 0)
    return sorted(
        rows,
        key=lambda row: (
            row.response.agreed_total_weekly,
            not row.provider.is_in_house,
            row.provider.name,
        ),
    )


def latest_needs_matches(offers: list[ProviderAnswer]) -> dict[int, NeedsMatch]:
    """The officer's latest score of each offer's match to the needs, by request."""
    latest: dict[int, NeedsMatch] = {}
    for match in NeedsMatch.objects.filter(
        request_id__in=[offer.request_id for offer in offers]
    ).select_related("scored_by"):
        latest[match.request_id] = match  # ordered oldest first: the last one stays
    return latest


def scores_of(
    offers: list[ProviderAnswer], matches: dict[int, NeedsMatch], *, council: CouncilSettings
) -> dict[int, OfferScore]:
    """Each offer's score on quality and cost among `offers` (from `current_offers`,
    whose requests hold every version of the answer, the first one first)."""
    facts = []
    for offer in offers:
        request = offer.request
        first = next(iter(request.answers.all()), offer)
        match = matches.get(request.pk)
        facts.append(
            OfferFacts(
                key=offer.pk,
                name=request.provider.name,
                total_weekly=offer.agreed_total_weekly,
                rating=request.provider.ofsted_rating,
                tier=request.provider.tier,
                needs_match=match.score if match else None,
                asked_at=request.round.sent_at,
                deadline=request.round.deadline_at,
                answered_at=first.submitted_at,
            )
        )
    return offer_scores(facts, Weights.of(council))


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
