"""The rules on offers, as pure reads: which flags an offer carries (and who may
override one), whether it still stands, how a set of options moves, and which options
outscore the one chosen."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings
from placements.roles import Role
from providers.models import GOOD_ENOUGH_RATINGS
from referrals.models import ProviderAnswer, ProviderRequest, Referral

from .models import FlagOverride, Shortlist, ShortlistOption

# How a set of options moves (referrals.workflow.step).
ShortlistStatus = Shortlist.Status
SHORTLIST_STEPS: dict[str, set[str]] = {
    ShortlistStatus.AWAITING: {ShortlistStatus.CHOSEN, ShortlistStatus.DECLINED},
    ShortlistStatus.CHOSEN: set(),
    ShortlistStatus.DECLINED: set(),
    ShortlistStatus.WITHDRAWN: set(),
    ShortlistStatus.AWARDED: set(),
}

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
    response: ProviderAnswer,
    *,
    limit: Decimal | None,
    council: CouncilSettings,
    today: dt.date | None = None,
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


def outscored_by(
    chosen: ShortlistOption, options: Sequence[ShortlistOption]
) -> list[ShortlistOption]:
    """The options sent that scored higher on quality and cost than the one chosen (by
    the scores they were sent with); an option sent without a score outscores nothing."""
    mine = chosen.score.get("total")
    if mine is None:
        return []
    return [
        option
        for option in options
        if option.score.get("total") is not None and Decimal(option.score["total"]) > Decimal(mine)
    ]
