"""The rules of the search, as pure reads: when a dual search is called for, when a
round's answers are due and chased, which providers a round reaches and why others
do not. Writes live in services.search; this module changes nothing."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from placements.calendar import (
    LONDON,
    add_working_minutes,
    subtract_working_days,
    working_day_deadline,
    working_minutes_between,
)
from placements.models import CouncilSettings
from providers.models import (
    Area,
    FrameworkStatus,
    Provider,
    Tier,
    Vacancy,
    areas_covering,
    cleared_to_place_q,
)
from referrals.models import (
    ProviderRequest,
    Referral,
    ResourceRequest,
    SearchRound,
    Service,
    package_of,
)

# Criteria a new round starts with: the child's age must fit and the provider must be
# cleared to place; specialisms and vacancies are the officer's to narrow. External
# rounds start inside the council's boundary (tier 1, "to be used in the main").
DEFAULT_CRITERIA: dict[str, Any] = {
    "tier": "",
    "specialisms": [],
    "age_fits": True,
    "has_vacancy": False,
    "vacancy_fits": False,
    "cleared": True,
}
LOCAL_TIER = str(Tier.INSIDE)

# A package of support at home goes to the providers on the service's lot (a directory
# category) who cover the child's area, all at once: the framework itself is the
# quality gate, so being cleared to place is shown, not filtered on.
LOT_CATEGORY: dict[str, str] = {Service.SHORT_BREAK: "short-breaks", Service.HOME_CARE: "home-care"}
PACKAGE_CRITERIA: dict[str, Any] = {**DEFAULT_CRITERIA, "cleared": False, "covers_area": True}


def default_criteria(kind: str, *, package: bool = False) -> dict[str, Any]:
    if package:
        return dict(PACKAGE_CRITERIA)
    if kind == SearchRound.Kind.IN_HOUSE:
        return dict(DEFAULT_CRITERIA)
    return {**DEFAULT_CRITERIA, "tier": LOCAL_TIER}


def widens_tier(search_round: SearchRound, criteria: Mapping[str, Any]) -> bool:
    """Whether these criteria reach outside the council's boundary in an external round
    for a placement, which needs the social worker's agreement (a package's round reaches
    by area instead)."""
    return (
        search_round.is_external
        and not search_round.service
        and criteria.get("tier", "") != LOCAL_TIER
    )


AGE_BANDS = ((0, 4), (5, 10), (11, 15), (16, 17))

FEWEST_PROVIDERS = 3


def dual_search_reasons(referral: Referral, *, council: CouncilSettings) -> list[str]:
    """Why the in-house and an external search should start together, if they should:
    an older child, a sibling group of three or more, or complex needs."""
    children = list(referral.children.all())
    reasons = []
    today = timezone.localdate()
    if len(children) >= 3:
        reasons.append(f"a sibling group of {len(children)}")
    elif len(children) == 1 and children[0].age_on(today)[0] >= council.dual_search_from_age:
        reasons.append(f"a child aged {council.dual_search_from_age} or over")
    if referral.education_needed or referral.therapy_needed:
        reasons.append("complex needs (education or therapy in the placement)")
    return reasons


def age_band(years: int) -> str:
    for low, high in AGE_BANDS:
        if low <= years <= high:
            return f"{low} to {high}"
    return f"{years}"


def referral_age_bands(referral: Referral) -> str:
    """The children's ages as bands, the most an email to a provider says about them."""
    today = timezone.localdate()
    bands = [age_band(child.age_on(today)[0]) for child in referral.children.all()]
    if len(bands) == 1:
        return f"aged {bands[0]}"
    return f"{len(bands)} children aged " + ", ".join(bands)


def _working_time(council: CouncilSettings) -> dict[str, Any]:
    return {
        "subdivision": council.bank_holiday_subdivision,
        "day_starts": council.working_day_start_hour,
        "day_ends": council.response_deadline_hour,
    }


def emergency_deadline(
    start: dt.datetime, *, hours: int, council: CouncilSettings
) -> tuple[dt.datetime, dt.datetime]:
    """An emergency's deadline: `hours` working hours after `start`, chased at half-time."""
    working = _working_time(council)
    return (
        add_working_minutes(start, hours * 60, **working),
        add_working_minutes(start, hours * 30, **working),
    )


def emergency_chase_time(
    deadline: dt.datetime, *, start: dt.datetime, council: CouncilSettings
) -> dt.datetime | None:
    """Half the working time from `start` to a moved deadline; none if there is none."""
    working = _working_time(council)
    minutes = working_minutes_between(start, deadline, **working)
    return add_working_minutes(start, minutes // 2, **working) if minutes >= 2 else None


def round_deadline(
    start: dt.datetime,
    *,
    urgent: bool,
    council: CouncilSettings,
    emergency: bool = False,
    hours: int | None = None,
) -> tuple[dt.datetime, dt.datetime | None]:
    """The answers' deadline and when to chase. An emergency's is in working hours (the
    round's own, or the council's), chased at half-time. Otherwise working days at the
    council's hour, London time, chased the set number of working days before, at the
    same hour; no chase when that moment has already gone when the round is sent."""
    if emergency:
        return emergency_deadline(
            start, hours=hours or council.emergency_response_working_hours, council=council
        )
    days = (
        council.response_working_days_urgent if urgent else council.response_working_days_standard
    )
    deadline = working_day_deadline(
        start,
        days,
        subdivision=council.bank_holiday_subdivision,
        hour=council.response_deadline_hour,
    )
    return deadline, chase_time(deadline, start=start, council=council)


def chase_time(
    deadline: dt.datetime, *, start: dt.datetime, council: CouncilSettings
) -> dt.datetime | None:
    local = deadline.astimezone(LONDON)
    day = subtract_working_days(
        local.date(),
        council.chaser_working_days_before,
        subdivision=council.bank_holiday_subdivision,
    )
    chase = dt.datetime.combine(day, local.timetz())
    return chase if chase > start else None


def deadline_from_day(
    day: dt.date, *, council: CouncilSettings, at: dt.time | None = None
) -> dt.datetime:
    when = at or dt.time(council.response_deadline_hour)
    return dt.datetime.combine(day, when, tzinfo=LONDON)


def link_expiry(search_round: SearchRound, *, council: CouncilSettings) -> dt.datetime | None:
    if search_round.deadline_at is None:
        return None
    return search_round.deadline_at + dt.timedelta(hours=council.link_grace_hours)


# --- Which providers a round reaches ----------------------------------------------------


def requested_provider_id(referral: Referral) -> int | None:
    """The one provider a package was asked to go to, if any."""
    return package_of(referral).requested_provider_id


def child_areas(referral: Referral) -> list[Area]:
    """The council's areas the children live in (by their postcodes' districts)."""
    return areas_covering([child.postcode for child in referral.children.all()])


@dataclass
class Candidate:
    provider: Provider
    by_hand: bool = False
    warnings: list[str] = field(default_factory=list)
    # What the provider declared free through its account, and whether it is stale.
    declared: list[Vacancy] = field(default_factory=list)
    declared_stale: bool = False


@dataclass
class Left:
    provider: Provider
    reason: str
    can_put_back: bool = False


@dataclass
class Selection:
    chosen: list[Candidate]
    left_out: list[Left]

    @property
    def count(self) -> int:
        return len(self.chosen)

    @property
    def too_few(self) -> bool:
        return self.count < FEWEST_PROVIDERS

    @property
    def provider_ids(self) -> list[int]:
        return [c.provider.pk for c in self.chosen]


def round_pool(search_round: SearchRound) -> QuerySet[Provider]:
    """Every active provider of the round's kind: the council's own service for an
    in-house round, else those on (or off) the framework for the round's category."""
    providers = Provider.objects.active()
    if search_round.kind == SearchRound.Kind.IN_HOUSE:
        return providers.filter(is_in_house=True)
    statuses = (
        [FrameworkStatus.FRAMEWORK]
        if search_round.kind == SearchRound.Kind.FRAMEWORK
        else [FrameworkStatus.OFF_FRAMEWORK, FrameworkStatus.SPOT]
    )
    on_category = Q(provider_categories__framework_status__in=statuses)
    if search_round.category_id:
        on_category &= Q(provider_categories__category_id=search_round.category_id)
    return providers.filter(is_in_house=False).filter(on_category).distinct()


def vacancy_fits_q(*, ages: list[int], category_id: int | None, needed: dt.date) -> Q:
    """The provider declared, through its account, places free that fit: of the round's
    kind, for the children's ages, enough for them all, free by the date needed."""
    fitting = Vacancy.objects.filter(
        provider=OuterRef("pk"),
        places__gte=max(len(ages), 1),
    ).filter(Q(available_from__isnull=True) | Q(available_from__lte=needed))
    if ages:
        fitting = fitting.filter(age_from__lte=min(ages), age_to__gte=max(ages))
    if category_id:
        fitting = fitting.filter(category_id=category_id)
    return Q(Exists(fitting))


def criteria_q(
    criteria: Mapping[str, Any],
    *,
    ages: list[int],
    today: dt.date,
    qa_months: int,
    areas: list[int] | None = None,
    category_id: int | None = None,
    needed: dt.date | None = None,
) -> Q:
    q = Q()
    if criteria.get("covers_area"):
        q &= Q(areas__in=areas or [])
    if criteria.get("tier") in {str(t) for t in Tier.values}:
        q &= Q(tier=int(criteria["tier"]))
    for specialism in criteria.get("specialisms") or []:
        q &= Q(specialisms=specialism)
    if criteria.get("age_fits") and ages:
        q &= Q(age_from__lte=min(ages), age_to__gte=max(ages))
    if criteria.get("has_vacancy"):
        q &= Q(vacancies__gt=0)
    if criteria.get("vacancy_fits"):
        q &= vacancy_fits_q(ages=ages, category_id=category_id, needed=needed or today)
    if criteria.get("cleared"):
        q &= cleared_to_place_q(on=today, valid_months=qa_months)
    return q


def round_selection(search_round: SearchRound, *, council: CouncilSettings) -> Selection:
    """The providers this round will go to, and every provider left out with why:
    the social worker's "do not approach" list, providers already asked in an earlier
    round, providers with no referral email, and those taken out by hand."""
    referral = search_round.referral
    today = timezone.localdate()
    children = list(referral.children.all())
    ages = [child.age_on(today)[0] for child in children]
    pool = round_pool(search_round)
    matched = set(
        pool.filter(
            criteria_q(
                search_round.criteria,
                ages=ages,
                today=today,
                qa_months=council.qa_visit_valid_months,
                areas=[area.pk for area in child_areas(referral)],
                category_id=search_round.category_id,
                needed=max(referral.date_needed or today, today),
            )
        ).values_list("pk", flat=True)
    )
    removed = set(search_round.removed)
    # Added by hand, but still only from the round's pool.
    added = set(pool.filter(pk__in=search_round.added).values_list("pk", flat=True))
    # A package the social worker asked to go to one provider goes to that one only.
    only = requested_provider_id(referral) if search_round.service else None
    if only:
        added.add(only)
    wanted = (matched | added) - removed
    excluded = {e.provider_id: e.reason for e in referral.exclusions.all()}
    # Asked before for the same thing (a package's other service is another request).
    before = ProviderRequest.objects.filter(
        round__referral=referral, round__service=search_round.service
    ).exclude(round=search_round)
    if search_round.service:
        # A package revised after nothing came back (a new version of its pack) goes
        # round the same providers again.
        released = (
            referral.resource_requests.filter(status=ResourceRequest.Status.RELEASED)
            .order_by("-version")
            .values_list("pk", flat=True)
            .first()
        )
        before = before.filter(round__resource_request_id=released)
    # A part brokered again after the award is a new request, even to the same providers.
    asked_before = {
        provider: number
        for provider, number, rows in before.values_list(
            "provider_id", "round__number", "round__rows"
        )
        if sorted(rows or []) == sorted(search_round.rows or [])
    }
    # order_by first: django-stubs loses Prefetch's types on an as_manager() manager.
    providers = (
        Provider.objects.order_by("pk")
        .prefetch_related(Prefetch("declared", queryset=Vacancy.objects.select_related("category")))
        .in_bulk(wanted | (removed & matched) | (removed & added))
    )
    chosen, left_out = [], []
    for pk in sorted(providers, key=lambda pk: providers[pk].name.lower()):
        provider = providers[pk]
        if only and pk != only:
            left_out.append(Left(provider, "The social worker asked for one provider only"))
        elif pk in excluded:
            left_out.append(Left(provider, f"Do not approach: {excluded[pk]}"))
        elif pk in asked_before:
            left_out.append(Left(provider, f"Already asked in round {asked_before[pk]}"))
        elif not provider.referral_emails:
            left_out.append(Left(provider, "No referral email address in the directory"))
        elif provider.is_archived:
            left_out.append(Left(provider, "Archived"))
        elif pk in removed:
            left_out.append(Left(provider, "Taken out by hand", can_put_back=True))
        else:
            warnings = list(
                provider.clearance(on=today, valid_months=council.qa_visit_valid_months).reasons
            )
            declared = list(provider.declared.all())
            chosen.append(
                Candidate(
                    provider,
                    by_hand=pk in added and pk not in matched,
                    warnings=warnings,
                    declared=declared,
                    declared_stale=bool(declared)
                    and provider.vacancies_stale(council.vacancy_confirm_days),
                )
            )
    return Selection(chosen=chosen, left_out=left_out)
