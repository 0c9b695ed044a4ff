"""The rules from offers to placement, as pure reads: which band a cost falls in and
who may approve it, which flags an offer carries. Writes live in services; nothing
here changes anything."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings
from placements.roles import Role
from providers.models import GOOD_ENOUGH_RATINGS
from referrals.models import ProviderAnswer, ProviderRequest, Referral

from .models import (
    CostApproval,
    CostBand,
    CostBandVersion,
    FlagOverride,
    Placement,
    PlacementAgreement,
    Shortlist,
)

# Lowest to highest: a higher role may approve what a lower one may.
APPROVER_RANKS = {
    Role.TEAM_MANAGER: 0,
    Role.SENIOR_MANAGER: 1,
    Role.HEAD_OF_SERVICE: 2,
    Role.DIRECTOR: 3,
}
WEEKS_A_YEAR = 52


# --- How options, cost approvals, placements and agreements move (referrals.workflow.step)

ShortlistStatus = Shortlist.Status
SHORTLIST_STEPS: dict[str, set[str]] = {
    ShortlistStatus.AWAITING: {ShortlistStatus.CHOSEN, ShortlistStatus.DECLINED},
    ShortlistStatus.CHOSEN: set(),
    ShortlistStatus.DECLINED: set(),
    ShortlistStatus.WITHDRAWN: set(),
}
Decision = CostApproval.Status
APPROVAL_STEPS: dict[str, set[str]] = {
    Decision.PENDING: {
        Decision.APPROVED,
        Decision.REJECTED,
        Decision.RETURNED,
        Decision.CANCELLED,
    },
    Decision.APPROVED: set(),
    Decision.REJECTED: set(),
    Decision.RETURNED: set(),
    Decision.CANCELLED: set(),
}
PlacementStatus = Placement.Status
PLACEMENT_STEPS: dict[str, set[str]] = {
    PlacementStatus.CONFIRMED: {PlacementStatus.AGREEMENT_SENT},
    # A new version of the agreement may replace an unsigned one.
    PlacementStatus.AGREEMENT_SENT: {PlacementStatus.AGREEMENT_SENT, PlacementStatus.SIGNED},
    PlacementStatus.SIGNED: {PlacementStatus.PLACED},
    PlacementStatus.PLACED: set(),
}
AgreementStatus = PlacementAgreement.Status
AGREEMENT_STEPS: dict[str, set[str]] = {
    AgreementStatus.SENT: {AgreementStatus.SIGNED, AgreementStatus.SUPERSEDED},
    AgreementStatus.SIGNED: {AgreementStatus.COUNTERSIGNED},
    AgreementStatus.COUNTERSIGNED: set(),
    AgreementStatus.SUPERSEDED: set(),
}


# --- Cost bands -----------------------------------------------------------------------


def bands_in_force(at: dt.datetime | None = None) -> CostBandVersion:
    """The version of the bands in force at `at` (now by default)."""
    at = at or timezone.now()
    version = (
        CostBandVersion.objects.filter(in_force_from__lte=at)
        .prefetch_related("bands")
        .order_by("-in_force_from", "-pk")
        .first()
    )
    if version is None:
        raise LookupError("No cost bands are in force: an administrator must set them")
    return version


def band_for(total_weekly: Decimal, version: CostBandVersion) -> CostBand:
    """The band a total weekly cost falls in: the highest band starting at or below it."""
    bands = sorted(version.bands.all(), key=lambda band: band.from_weekly)
    fitting = [band for band in bands if band.from_weekly <= total_weekly]
    return fitting[-1] if fitting else bands[0]


def band_ranges(version: CostBandVersion) -> list[tuple[Decimal, Decimal | None, str]]:
    """(from, up to and including, who approves) for each band, for people to read."""
    bands = sorted(version.bands.all(), key=lambda band: band.from_weekly)
    ranges = []
    for n, band in enumerate(bands):
        upper = bands[n + 1].from_weekly - Decimal("0.01") if n + 1 < len(bands) else None
        ranges.append((band.from_weekly, upper, Role(band.role).label))
    return ranges


def approver_for(
    total_weekly: Decimal, *, in_house: bool, council: CouncilSettings, at=None
) -> tuple[str, CostBandVersion | None]:
    """The role that approves this cost, and the bands used (None for in-house, which
    follows the council's setting)."""
    if in_house:
        return council.in_house_approval_role, None
    version = bands_in_force(at)
    return band_for(total_weekly, version).role, version


def rank_of(user) -> int:
    """The user's highest approving rank, or -1."""
    return max((APPROVER_RANKS.get(role, -1) for role in user.role_set), default=-1)


def approval_refusal(user, approval: CostApproval) -> str | None:
    """Why this user may not decide this cost approval, or None if they may."""
    required = APPROVER_RANKS[approval.required_role]
    if rank_of(user) < required:
        return f"This cost needs a {Role(approval.required_role).label.lower()} or above"
    referral = approval.referral
    if rank_of(user) == APPROVER_RANKS[Role.TEAM_MANAGER] and user.team_id != referral.team_id:
        return "Only the team manager of the referral's team signs this off"
    option = approval.option
    if option.shortlist.decided_by_id == user.pk:
        return "You chose this option, so someone else must approve it"
    if option.response.revisions.filter(recorded_by=user).exists():
        return "You negotiated this offer, so someone else must approve it"
    return None


def may_approve(user, approval: CostApproval) -> bool:
    return approval_refusal(user, approval) is None


# --- Flags on offers ------------------------------------------------------------------

FLAG_OFSTED = "ofsted"
FLAG_QA = "qa"
FLAG_FUNDING = "funding"
FLAG_ARCHIVED = "archived"
FLAG_URN = "urn"
# The duty lead runs brokerage day to day and clears flags on offers; an Ofsted RI
# exception agreed by a senior manager is recorded on the provider, which clears it.
OVERRIDERS = (Role.DUTY_LEAD,)

FLAG_LABELS = {
    FLAG_OFSTED: "Ofsted below Good with no RI exception",
    FLAG_QA: "QA visit out of date",
    FLAG_FUNDING: "Above the funding approval",
    FLAG_ARCHIVED: "Provider archived",
    FLAG_URN: "Ofsted URN differs from the directory",
}


def _urn(text: str) -> str:
    return "".join(text.split()).upper()


@dataclass(frozen=True)
class Flag:
    code: str
    detail: str
    override: FlagOverride | None = None

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.code]

    @property
    def is_open(self) -> bool:
        return self.override is None


def funding_limit(referral: Referral) -> Decimal | None:
    """The weekly amount of the latest funding approval (prefetch `funding_approvals`)."""
    approvals = sorted(referral.funding_approvals.all(), key=lambda fa: (fa.recorded_at, fa.pk))
    return approvals[-1].weekly_amount if approvals else None


def offer_flags(
    response: ProviderAnswer, *, limit: Decimal | None, council: CouncilSettings, today=None
) -> list[Flag]:
    """Every rule this offer breaks, each with its override if one is recorded. Needs
    `request__provider` selected and `revisions` and `flag_overrides` prefetched."""
    provider = response.request.provider
    today = today or timezone.localdate()
    overrides = {o.flag: o for o in response.flag_overrides.all()}
    flags = []
    if provider.ofsted_rating not in GOOD_ENOUGH_RATINGS and not provider.ri_exception_agreed_on:
        rating = provider.get_ofsted_rating_display() or "not recorded"
        flags.append(Flag(FLAG_OFSTED, f"Ofsted: {rating.lower()}"))
    clearance = provider.clearance(on=today, valid_months=council.qa_visit_valid_months)
    qa = [reason for reason in clearance.reasons if "QA visit" in reason]
    if qa:
        flags.append(Flag(FLAG_QA, qa[0]))
    if not provider.is_in_house and limit is not None and response.agreed_total_weekly > limit:
        flags.append(
            Flag(
                FLAG_FUNDING,
                f"{money(response.agreed_total_weekly)} a week against an approval of "
                f"{money(limit)}",
            )
        )
    if provider.is_archived:
        flags.append(Flag(FLAG_ARCHIVED, "The provider has been archived"))
    # The offer may be for a setting the directory does not know as this provider's.
    if (
        response.ofsted_urn
        and provider.ofsted_urn
        and _urn(response.ofsted_urn) != _urn(provider.ofsted_urn)
    ):
        flags.append(
            Flag(
                FLAG_URN,
                f"The offer gives Ofsted URN {response.ofsted_urn}; the directory has "
                f"{provider.ofsted_urn}",
            )
        )
    return [Flag(f.code, f.detail, overrides.get(f.code)) for f in flags]


def open_flags(flags: list[Flag]) -> list[Flag]:
    return [flag for flag in flags if flag.is_open]


def offer_is_current(response: ProviderAnswer) -> bool:
    """The offer still stands as this version: not withdrawn, not amended since."""
    request: ProviderRequest = response.request
    if request.answer != ProviderRequest.Answer.OFFER or request.revoked_at:
        return False
    latest = request.answers.order_by("-version").values_list("pk", flat=True).first()
    return latest == response.pk
