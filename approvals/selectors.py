"""Reads from offers to placement, scoped to the user: loaders 404 for what a user may
not see."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from placements.models import CouncilSettings, User
from placements.roles import Role
from referrals.models import Child, ProviderAnswer, Referral
from referrals.search.selectors import standing_offers
from referrals.selectors import get_referral_for_user

from .models import CostApproval, Placement, PlacementAgreement, Shortlist, ShortlistOption
from .rules import APPROVER_RANKS, OVERRIDERS, Flag, funding_limit, offer_flags, rank_of


@dataclass
class OfferRow:
    """One offer in the comparison, with its flags and where it stands."""

    response: ProviderAnswer
    flags: list[Flag]
    shortlisted: bool

    @property
    def provider(self):
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


def open_flexibility(referral: Referral):
    """The question about flexibility still waiting for the social worker: unanswered,
    asked after the last options were sent, on a referral still being searched for."""
    if referral.status != Referral.Status.ACCEPTED:
        return None
    asked = referral.flexibility_requests.filter(answered_at__isnull=True)
    latest = referral.shortlists.order_by("-sent_at").values_list("sent_at", flat=True).first()
    if latest is not None:
        asked = asked.filter(asked_at__gt=latest)
    return asked.order_by("-asked_at").first()


# --- Cost approvals -------------------------------------------------------------------


def _urgency_order():
    return Case(
        When(referral__kind=Referral.Kind.EMERGENCY, then=Value(0)),
        When(referral__is_urgent=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def approvals_waiting_for(user) -> QuerySet[CostApproval]:
    """Pending costs this person may decide, most urgent first: their band and every
    band below (a team manager: in-house sign-offs for their own team)."""
    rank = rank_of(user)
    if rank < 0:
        return CostApproval.objects.none()
    roles = [role for role, r in APPROVER_RANKS.items() if r <= rank]
    scope = Q(required_role__in=[r for r in roles if r != Role.TEAM_MANAGER])
    if Role.TEAM_MANAGER in roles:
        if user.has_role(Role.TEAM_MANAGER):
            scope |= Q(required_role=Role.TEAM_MANAGER, referral__team_id=user.team_id)
        else:
            scope |= Q(required_role=Role.TEAM_MANAGER)
    return (
        CostApproval.objects.filter(
            scope, status=CostApproval.Status.PENDING, referral__status=Referral.Status.ACCEPTED
        )
        .exclude(option__shortlist__decided_by=user)
        .exclude(option__response__revisions__recorded_by=user)
        .select_related(
            "referral__placement_type",
            "option__response__request__provider",
            "option__shortlist__decided_by",
        )
        .prefetch_related("referral__children")
        .annotate(urgency=_urgency_order())
        .order_by("urgency", "referral__date_needed", "requested_at")
        .distinct()
    )


def get_approval_for_user(*, user, pk: int, approval_pk: int) -> CostApproval:
    referral = get_referral_for_user(user=user, pk=pk)
    return get_object_or_404(
        CostApproval.objects.select_related(
            "referral",
            "requested_by",
            "decided_by",
            "band_version",
            "option__shortlist__decided_by",
            "option__response__request__provider",
        ).prefetch_related(
            "option__response__revisions__recorded_by",
            "option__response__flag_overrides__overridden_by",
            "band_version__bands",
            "referral__funding_approvals",
        ),
        referral=referral,
        pk=approval_pk,
    )


# --- Placements -----------------------------------------------------------------------


def placement_for(referral: Referral) -> Placement | None:
    return (
        Placement.objects.select_related("provider", "approval", "confirmed_by")
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=PlacementAgreement.objects.select_related(
                    "issued_by", "countersigned_by"
                ).order_by("-version"),
            )
        )
        .filter(referral=referral)
        .first()
    )


def get_agreement_for_user(*, user, pk: int, agreement_pk: int) -> PlacementAgreement:
    referral = get_referral_for_user(user=user, pk=pk)
    return get_object_or_404(
        PlacementAgreement.objects.select_related("placement"),
        placement__referral=referral,
        pk=agreement_pk,
    )


TRACKER_VIEWERS = (
    Role.BROKERAGE_OFFICER,
    Role.DUTY_LEAD,
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.DIRECTOR,
)


EXPORT_COLUMNS = (
    "referral__reference",
    "referral__team__name",
    "provider__name",
    "is_in_house",
    "placement_type",
    "setting",
    "start_date",
    "status",
    "weekly_fee",
    "total_weekly",
    "one_off_costs",
)


def for_export(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """Only the columns a download has: a referral's profile and the rest stay behind."""
    return (
        placements.select_related(None)
        .prefetch_related(None)
        .select_related("referral__team", "provider")
        .only(*EXPORT_COLUMNS)
        .prefetch_related(
            Prefetch(
                "referral__children",
                queryset=Child.objects.only("referral_id", "first_name", "last_name"),
            )
        )
    )


def placements_for_tracker(user) -> QuerySet[Placement]:
    if not user.has_role(*TRACKER_VIEWERS):
        return Placement.objects.none()
    return Placement.objects.select_related(
        "referral__placement_type", "referral__team", "provider"
    ).prefetch_related("referral__children")


def flag_overriders() -> list[str]:
    """The names of the people who may override an offer's rule flag."""
    return [
        user.full_name
        for user in User.objects.filter(is_active=True, role_assignments__role__in=OVERRIDERS)
        .distinct()
        .order_by("full_name")
    ]
