"""The figures the team is judged by, each with its definition, worked out in one query
(two for the distance from home; whatever the volume) for a span of months and, where
given, one officer or one kind of request."""

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from placements.formatting import money
from placements.roles import Role
from providers.fostering.models import FosterCarer
from providers.geography import miles_between
from providers.models import PostcodeDistrict, Tier, postcode_district
from referrals.models import ProviderRequest, Referral
from referrals.workflow import Status

from ..invoices.models import Invoice
from ..placement.models import Placement

# Referral.service of a package, for the "kind of request" filter.
PACKAGE = "package"
EARLY_DAYS = 91  # "within three months"
OFFERS_GOAL = 3


@dataclass(frozen=True)
class Scope:
    first: dt.date  # the first day of the first month
    last: dt.date  # the last day of the last month
    officer_id: int | None = None
    kind: str = ""  # a Referral.Kind, "package", or "" for all

    @property
    def months(self) -> list[dt.date]:
        found, day = [], self.first.replace(day=1)
        while day <= self.last:
            found.append(day)
            day = (day + dt.timedelta(days=32)).replace(day=1)
        return found

    @property
    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The span as moments, local midnight to local midnight after the last day, so a
        timestamp's index serves the filter."""
        start = timezone.make_aware(dt.datetime.combine(self.first, dt.time()))
        end = timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time()))
        return start, end

    def referrals(self, prefix: str = "") -> Q:
        """The officer and kind filters on a query through `prefix` to the referral."""
        q = Q()
        if self.officer_id:
            q &= Q(**{f"{prefix}assigned_officer_id": self.officer_id})
        if self.kind == PACKAGE:
            q &= ~Q(**{f"{prefix}service": Referral.Service.PLACEMENT})
        elif self.kind:
            q &= Q(**{f"{prefix}kind": self.kind})
        return q


@dataclass
class Figure:
    key: str
    title: str  # the headline: what the figure says
    subtitle: str  # the statistic behind it: measure, span, count
    definition: str
    columns: tuple[str, str]
    rows: list[tuple[str, Decimal | int | None]] = field(default_factory=list)
    unit: str = ""  # "days", "%", "£", "" for a count
    chart: bool = True


def month_label(day: dt.date) -> str:
    return f"{day:%b %Y}"


def _by_month(scope: Scope, pairs: Iterable[tuple[dt.date, Decimal | int]], how) -> list:
    grouped: dict[dt.date, list] = defaultdict(list)
    for day, value in pairs:
        grouped[day.replace(day=1)].append(value)
    return [(month_label(m), how(grouped[m]) if grouped[m] else None) for m in scope.months]


def _median(values: list) -> Decimal | None:
    return Decimal(str(statistics.median(values))) if values else None


def _share(values: list[bool]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(100) * sum(1 for v in values if v) / len(values)).quantize(Decimal("0.1"))


def _span(scope: Scope) -> str:
    return f"{scope.first:%B %Y} to {scope.last:%B %Y}"


def _placements(scope: Scope) -> QuerySet[Placement]:
    """Placements (not a package's support) that started in the span."""
    return Placement.objects.filter(
        scope.referrals("referral__"),
        service="",
        placed_at__isnull=False,
        start_date__range=(scope.first, scope.last),
    )


def days_to_placement(scope: Scope) -> Figure:
    rows = list(
        _placements(scope)
        .filter(referral__submitted_at__isnull=False)
        .values_list("start_date", "referral__submitted_at")
    )
    days = [(start, (start - timezone.localdate(sent)).days) for start, sent in rows]
    values = [d for _, d in days]
    median = _median(values)
    spread = ""
    if len(values) >= 2:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        spread = f"; the middle half took {q1:g} to {q3:g} days"
    return Figure(
        key="days-to-placement",
        title=f"Children were placed a median of {median:g} days after referral"
        if median is not None
        else "No placements started in these months",
        subtitle=f"Median days from the referral's submission to the move, placements "
        f"starting {_span(scope)} (n={len(values)}){spread}",
        definition="For each placement (not a package's support) whose move date is in the "
        "months shown: the days from the day its referral was submitted to the move date. "
        "The median is the middle value; the middle half runs from the lower to the upper "
        "quartile.",
        columns=("Month of the move", "Median days"),
        rows=_by_month(scope, days, _median),
        unit="days",
    )


def offers_per_referral(scope: Scope) -> Figure:
    referrals = (
        Referral.objects.filter(
            scope.referrals(),
            placements__service="",
            placements__placed_at__isnull=False,
            placements__start_date__range=(scope.first, scope.last),
        )
        .annotate(
            moved=Min("placements__start_date"),
            offers=Count(
                "search_rounds__requests",
                filter=Q(search_rounds__requests__answer=ProviderRequest.Answer.OFFER),
                distinct=True,
            ),
        )
        .values_list("moved", "offers")
    )
    pairs = list(referrals)
    counts = [offers for _, offers in pairs]
    mean = (Decimal(sum(counts)) / len(counts)).quantize(Decimal("0.1")) if counts else None
    reached = _share([c >= OFFERS_GOAL for c in counts])
    return Figure(
        key="offers-per-referral",
        title=f"Referrals placed had {mean} offers on average (the goal is {OFFERS_GOAL})"
        if mean is not None
        else "No referrals were placed in these months",
        subtitle=f"Mean offers a referral, referrals placed {_span(scope)} (n={len(counts)})"
        + (f"; {reached}% had {OFFERS_GOAL} or more" if reached is not None else ""),
        definition="For each referral whose placement's move date is in the months shown: "
        "how many providers asked made an offer (an offer later withdrawn is not counted).",
        columns=("Month of the move", "Mean offers"),
        rows=_by_month(
            scope,
            pairs,
            lambda v: (Decimal(sum(v)) / len(v)).quantize(Decimal("0.1")),
        ),
    )


def _share_figure(
    scope: Scope, key: str, pick: Callable[[bool, int], bool], what: str, definition: str
) -> Figure:
    rows = list(_placements(scope).values_list("start_date", "is_in_house", "provider__tier"))
    flags = [(start, pick(in_house, tier)) for start, in_house, tier in rows]
    share = _share([f for _, f in flags])
    return Figure(
        key=key,
        title=f"{share}% of placements were {what}"
        if share is not None
        else "No placements started in these months",
        subtitle=f"Share of placements starting {_span(scope)} that were {what} (n={len(flags)})",
        definition=definition,
        columns=("Month of the move", "Share (%)"),
        rows=_by_month(scope, flags, _share),
        unit="%",
    )


def in_house_share(scope: Scope) -> Figure:
    return _share_figure(
        scope,
        "in-house-share",
        lambda in_house, _tier: in_house,
        "with the council's own carers",
        "Of the placements (not a package's support) whose move date is in the months "
        "shown, those with the council's in-house fostering service.",
    )


def local_share(scope: Scope) -> Figure:
    return _share_figure(
        scope,
        "local-share",
        lambda _in_house, tier: tier == Tier.INSIDE,
        "local (tier 1)",
        "Of the placements (not a package's support) whose move date is in the months "
        "shown, those with a provider in tier 1 (inside the council's boundary).",
    )


FAR_MILES = 20


def far_from_home(scope: Scope) -> Figure:
    """Two queries: the placements with the districts at each end, then those districts'
    centres."""
    carer_district = FosterCarer.objects.filter(reference=OuterRef("setting")).values(
        "postcode_district"
    )[:1]
    rows = (
        _placements(scope)
        .annotate(carer_district=Subquery(carer_district))
        .values_list(
            "pk",
            "start_date",
            "is_in_house",
            "carer_district",
            "provider__postcode_district",
            "referral__children__postcode",
        )
        .order_by("pk", "referral__children__pk")
    )
    ends: dict[int, tuple[dt.date, str, str]] = {}
    for pk, start, in_house, carer, provider, postcode in rows:
        if pk in ends and ends[pk][1]:
            continue  # a sibling group: the first child with a postcode
        # The council's own carers are measured from their home, never the service's office.
        placed_in = (carer or "") if in_house else (provider or "")
        ends[pk] = (start, postcode_district(postcode or ""), placed_in.upper())
    centres = {
        code: (latitude, longitude)
        for code, latitude, longitude in PostcodeDistrict.objects.filter(
            code__in={d for _, home, there in ends.values() for d in (home, there) if d}
        ).values_list("code", "latitude", "longitude")
    }
    measured = [
        (start, miles_between(centres[home], centres[there]) > FAR_MILES)
        for start, home, there in ends.values()
        if home in centres and there in centres
    ]
    share = _share([far for _, far in measured])
    return Figure(
        key="far-from-home",
        title=f"{share}% of placements were more than {FAR_MILES} miles from home"
        if share is not None
        else "No placement could be measured",
        subtitle=f"Share of placements starting {_span(scope)} more than {FAR_MILES} miles "
        f"from home, of those with both districts known (n={len(measured)} of {len(ends)})",
        definition="For each placement that started in the months shown, the straight-line "
        "distance between the centre of the child's home postcode district (the first "
        "child's, for brothers and sisters) and the centre of the setting's (the carer's, "
        "for the council's own carers, never the service's office). A placement is left out "
        "when either district is "
        "not known or its centre has not been loaded (manage.py load_postcode_districts). "
        "District centres make this approximate: a few miles either way.",
        columns=("Month started", f"More than {FAR_MILES} miles (%)"),
        rows=_by_month(scope, measured, _share),
        unit="%",
    )


def _requests_sent(scope: Scope, *fields: str) -> list[tuple]:
    """Requests sent to providers in the span: `fields`, then when each was sent and
    its first answer's moment (None when unanswered)."""
    start, end = scope.moments
    return list(
        ProviderRequest.objects.filter(
            scope.referrals("round__referral__"),
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(first_answer=Min("answers__submitted_at"))
        .values_list(*fields, "created_at", "first_answer")
    )


def _hours_between(made: dt.datetime, first: dt.datetime) -> float:
    return (first - made).total_seconds() / 3600


def provider_responses(scope: Scope) -> Figure:
    rows = _requests_sent(scope)
    answered = [(timezone.localdate(made), first is not None) for made, first in rows]
    hours = [_hours_between(made, first) for made, first in rows if first]
    share = _share([a for _, a in answered])
    median = _median([round(h, 1) for h in hours])
    return Figure(
        key="provider-responses",
        title=f"Providers answered {share}% of requests" if share is not None else "No requests",
        subtitle=f"Share of provider requests sent {_span(scope)} answered (n={len(rows)})"
        + (f"; median {median:g} hours to answer" if median is not None else ""),
        definition="Each request sent to a provider in a round in the months shown: answered "
        "(an offer, no option, or an offer made and later withdrawn) or not, including "
        "requests still open and those closed when the search ended. The time to answer "
        "runs from the request being sent to the provider's first answer.",
        columns=("Month sent", "Answered (%)"),
        rows=_by_month(scope, answered, _share),
        unit="%",
    )


def invoice_savings(scope: Scope) -> Figure:
    start, end = scope.moments
    months = list(
        Invoice.objects.filter(
            scope.referrals("placement__referral__"),
            status=Invoice.Status.APPROVED,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .annotate(month=TruncMonth("decided_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(saving=Sum(F("claimed") - F("approved")), count=Count("pk"))
        .values_list("month", "saving", "count")
    )
    # Rounded to the penny (SQLite sums decimals as floats).
    saved = [
        (timezone.localdate(month), Decimal(amount or 0).quantize(Decimal("0.01")))
        for month, amount, _ in months
    ]
    total = sum((s for _, s in saved), Decimal(0))
    count = sum(n for *_, n in months)
    return Figure(
        key="invoice-savings",
        title=f"Checking invoices saved {money(total)}",
        subtitle=f"Claimed less approved on invoices approved {_span(scope)} (n={count})",
        definition="For each invoice approved in the months shown: what the provider claimed "
        "less what was approved under the agreement in force.",
        columns=("Month approved", "Saved (£)"),
        rows=_by_month(scope, saved, lambda v: sum(v, Decimal(0))),
        unit="£",
    )


def negotiated_savings(scope: Scope) -> Figure:
    rows = list(
        _placements(scope).values_list(
            "start_date",
            "response__weekly_fee",
            "response__education_weekly",
            "response__therapy_weekly",
            "response__wraparound_weekly",
            "response__transport_weekly",
            "approval__total_weekly",
        )
    )
    yearly = [
        (start, max(sum(offered, Decimal(0)) - agreed, Decimal(0)) * 52)
        for start, fee, *extras, agreed in rows
        if fee is not None
        for offered in [[fee, *extras]]
    ]
    total = sum((s for _, s in yearly), Decimal(0))
    return Figure(
        key="negotiated-savings",
        title=f"Negotiation saved {money(total)} a year",
        subtitle=f"Offered less approved weekly cost, times 52, placements starting "
        f"{_span(scope)} (n={len(yearly)})",
        definition="For each placement whose move date is in the months shown: the weekly "
        "cost the provider offered less the weekly cost approved after negotiation, for a "
        "year (52 weeks).",
        columns=("Month of the move", "Saved a year (£)"),
        rows=_by_month(scope, yearly, lambda v: sum(v, Decimal(0))),
        unit="£",
    )


def early_unplanned_endings(scope: Scope) -> Figure:
    rows = list(
        Placement.objects.filter(
            scope.referrals("referral__"),
            service="",
            placed_at__isnull=False,
            ended_on__range=(scope.first, min(scope.last, timezone.localdate())),
        ).values_list("ended_on", "start_date", "end_planned")
    )
    early: list[tuple[dt.date, bool]] = [
        (ended, not planned and (ended - start).days <= EARLY_DAYS)
        for ended, start, planned in rows
        if ended is not None
    ]
    share = _share([e for _, e in early])
    count = sum(1 for _, e in early if e)
    return Figure(
        key="early-unplanned-endings",
        title=f"{count} placement{'s' * (count != 1)} ended unplanned within three months"
        if rows
        else "No placements ended in these months",
        subtitle=f"Placements ending {_span(scope)} unplanned within {EARLY_DAYS} days of "
        f"the move (n={len(rows)} endings)"
        + (f"; {share}% of endings" if share is not None else ""),
        definition="Of the placements that ended in the months shown, those whose ending "
        f"was recorded as not planned and came within {EARLY_DAYS} days of the move.",
        columns=("Month ended", "Ended unplanned early (%)"),
        rows=_by_month(scope, early, _share),
        unit="%",
    )


def three_placements(scope: Scope) -> Figure:
    since = scope.last - dt.timedelta(days=365)
    rows = Placement.objects.filter(
        scope.referrals("referral__"),
        service="",
        placed_at__isnull=False,
        start_date__gt=since,
        start_date__lte=scope.last,
    ).values_list(
        "pk",
        "referral__children__first_name",
        "referral__children__last_name",
        "referral__children__date_of_birth",
    )
    moves: Counter = Counter()
    seen = set()
    for pk, first, last, born in rows:
        child = (first.strip().lower(), last.strip().lower(), born)
        if (pk, child) not in seen:
            seen.add((pk, child))
            moves[child] += 1
    bands = Counter(min(n, 3) for n in moves.values())
    three = bands[3]
    return Figure(
        key="three-placements",
        title=f"{three} child{'ren' * (three != 1)} had three or more placements in a year",
        subtitle=f"Children by placements starting in the 12 months to {scope.last:%-d %B %Y} "
        f"(n={len(moves)} children)",
        definition="Each child (told apart by name and date of birth, across referrals) by "
        "how many placements (not a package's support) started in the twelve months to the "
        "last day shown. The national measure of placement stability counts three or more.",
        columns=("Placements in the year", "Children"),
        rows=[("1", bands[1]), ("2", bands[2]), ("3 or more", three)],
    )


def open_referrals(scope: Scope) -> Figure:
    rows = Referral.objects.filter(
        scope.referrals(),
        submitted_at__isnull=False,
    ).exclude(status__in=[Status.DRAFT, Status.WITHDRAWN, Status.PLACED])
    today = timezone.localdate()
    stages: Counter = Counter()
    old = 0
    items = list(rows.values_list("status", "stage", "submitted_at"))
    for status, stage, sent in items:
        label = (
            str(Referral.Stage(stage).label)
            if status == Status.ACCEPTED and stage
            else str(Referral.Status(status).label)
        )
        stages[label] += 1
        if (today - timezone.localdate(sent)).days > 28:
            old += 1
    return Figure(
        key="open-referrals",
        title=f"{len(items)} referral{'s' * (len(items) != 1)} "
        f"{'are' if len(items) != 1 else 'is'} open, {old} for more than four weeks",
        subtitle=f"Open referrals by where they stand, on {today:%-d %B %Y}",
        definition="Referrals submitted and neither placed nor withdrawn today, by status "
        "(and, once brokerage has them, by stage); more than four weeks is counted from "
        "submission. The months chosen do not apply.",
        columns=("Where it stands", "Referrals"),
        rows=[(label, count) for label, count in stages.most_common()],
    )


def weekly_commitment(scope: Scope) -> Figure:
    on = min(scope.last, timezone.localdate())
    running = (
        Placement.objects.filter(
            scope.referrals("referral__"),
            placed_at__isnull=False,
            start_date__lte=on,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        # A package's support ends on its end date.
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("approval__required_role", "total_weekly")
    )
    bands: dict[str, Decimal] = defaultdict(Decimal)
    for role, weekly in running:
        bands[str(Role(role).label) if role in Role.values else "Other"] += weekly
    total = sum(bands.values(), Decimal(0))
    return Figure(
        key="weekly-commitment",
        title=f"{money(total)} a week is committed to placements and packages",
        subtitle=f"Total weekly cost of those running on {on:%-d %B %Y}, by the cost "
        "band's approver",
        definition="Every placement and package part made (its agreement countersigned) that "
        "had started and not ended by the last day shown (or today, if sooner): its total "
        "weekly cost as it stands, grouped by the role its cost approval went to.",
        columns=("Cost band (approver)", "Weekly (£)"),
        rows=[(label, bands[label]) for label in sorted(bands, key=lambda b: -bands[b])],
        unit="£",
    )


def _band(role: str) -> str:
    return str(Role(role).label) if role in Role.values else "Other"


def _running(scope: Scope) -> QuerySet[Placement]:
    """Placements and package parts made that had started by the span's end and had not
    ended before it began."""
    return (
        Placement.objects.filter(
            scope.referrals("referral__"),
            placed_at__isnull=False,
            start_date__lte=scope.last,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=scope.first))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=scope.first))
    )


def _last_paid(ended_on: dt.date | None, end_date: dt.date | None) -> dt.date | None:
    """The last day paid: the day before the child left, or the agreement's end date."""
    ends = [d for d in (ended_on and ended_on - dt.timedelta(days=1), end_date) if d]
    return min(ends, default=None)


def _paid_on(
    day: dt.date, start: dt.date, ended_on: dt.date | None, end_date: dt.date | None
) -> bool:
    paid = _last_paid(ended_on, end_date)
    return start <= day and (paid is None or day <= paid)


def spend_by_band(scope: Scope) -> Figure:
    today = timezone.localdate()
    last = min(scope.last, today)
    bands: dict[str, Decimal] = defaultdict(Decimal)
    for role, weekly, start, ended_on, end_date in _running(scope).values_list(
        "approval__required_role", "total_weekly", "start_date", "ended_on", "end_date"
    ):
        first = max(start, scope.first)
        until = min(d for d in (last, _last_paid(ended_on, end_date)) if d is not None)
        if until >= first:
            bands[_band(role)] += weekly * ((until - first).days + 1) / 7
    rounded = {label: value.quantize(Decimal("1")) for label, value in bands.items()}
    rows: list[tuple[str, Decimal | int | None]] = [
        (label, rounded[label]) for label in sorted(rounded, key=lambda b: -rounded[b])
    ]
    total = sum(rounded.values(), Decimal(0))
    return Figure(
        key="spend-by-band",
        title=f"{money(total)} spent on placements and packages",
        subtitle=f"Cost of the days in {_span(scope)} up to {last:%-d %B %Y}, by the cost "
        "band's approver, to the nearest pound",
        definition="For every placement and package part made (its agreement countersigned), "
        "each day in the months shown, up to today, from its start to the day before it "
        "ended or its end date, costs a seventh of its total weekly cost as it stands; "
        "grouped by the role its cost approval went to (the band). Fee changes part way "
        "are not split out: an estimate of spend, not what finance paid (see the invoice "
        "figures for that).",
        columns=("Cost band (approver)", "Spent (£)"),
        rows=rows,
        unit="£",
    )


def commitment_by_month(scope: Scope) -> Figure:
    today = timezone.localdate()
    running = list(
        _running(scope).values_list("total_weekly", "start_date", "ended_on", "end_date")
    )
    rows: list[tuple[str, Decimal | int | None]] = []
    for month in scope.months:
        end = min((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
        if end < month:
            rows.append((month_label(month), None))
            continue
        rows.append(
            (
                month_label(month),
                sum(
                    (
                        weekly
                        for weekly, start, ended_on, end_date in running
                        if _paid_on(end, start, ended_on, end_date)
                    ),
                    Decimal(0),
                ),
            )
        )
    latest = next((v for _, v in reversed(rows) if v is not None), None)
    return Figure(
        key="commitment-by-month",
        title=f"{money(latest)} a week at the latest month's end"
        if latest is not None
        else "No months to show yet",
        subtitle=f"Total weekly cost running at the end of each month, {_span(scope)} "
        "(this month: today)",
        definition="For each month, every placement and package part made that had started "
        "by its last day (today, for this month) and was still paid that day: the sum of "
        "their total weekly costs as they stand. A month still to come has no value.",
        columns=("Month", "Weekly (£)"),
        rows=rows,
        unit="£",
    )


SLOWEST_SHOWN = 20


def response_times(scope: Scope) -> Figure:
    rows = _requests_sent(scope, "provider_id", "provider__name")
    # By setting (two settings may share a name).
    names: dict[int, str] = {}
    asked: Counter[int] = Counter()
    hours: dict[int, list[float]] = defaultdict(list)
    for provider, name, made, first in rows:
        names[provider] = name
        asked[provider] += 1
        if first is not None:
            hours[provider].append(_hours_between(made, first))
    medians = {
        provider: Decimal(str(round(statistics.median(values), 1)))
        for provider, values in hours.items()
    }
    never = sorted(names[provider] for provider in asked if provider not in medians)
    slowest = sorted(medians, key=lambda p: (-medians[p], names[p], p))
    shown: list[tuple[str, Decimal | int | None]] = [
        (f"{names[p]} ({len(hours[p])} of {asked[p]} answered)", medians[p])
        for p in slowest[:SLOWEST_SHOWN]
    ]
    return Figure(
        key="response-times",
        title=f"The slowest provider took a median of {medians[slowest[0]].normalize():f} hours "
        "to answer"
        if slowest
        else "No provider answered"
        if asked
        else "No requests",
        subtitle=f"Median hours to answer by provider, requests sent {_span(scope)}; the "
        f"{min(len(slowest), SLOWEST_SHOWN)} slowest of {len(asked)} providers asked"
        + (
            f"; {len(never)} answered none: {', '.join(never[:5])}"
            + (f" and {len(never) - 5} more" if len(never) > 5 else "")
            if never
            else ""
        ),
        definition="For each provider sent a request in the months shown, the median of the "
        "hours from each request being sent to its first answer (offer or no option), "
        "over the requests it answered, slowest first. Providers that answered none are "
        "named in the statistic under the headline.",
        columns=("Provider (requests answered)", "Median hours"),
        rows=shown,
        unit="hours",
    )


FIGURES: list[Callable[[Scope], Figure]] = [
    days_to_placement,
    offers_per_referral,
    in_house_share,
    local_share,
    far_from_home,
    negotiated_savings,
    invoice_savings,
    provider_responses,
    response_times,
    early_unplanned_endings,
    three_placements,
    weekly_commitment,
    commitment_by_month,
    spend_by_band,
    open_referrals,
]


def figures_for(scope: Scope) -> list[Figure]:
    return [make(scope) for make in FIGURES]
