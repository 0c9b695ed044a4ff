"""A package's changes after its award, each recorded and each making a new version of
that provider's agreement: more hours (with the panel's date), fewer hours, a new end
date, the family no longer needing it, or the provider no longer able to meet all or
part of it (the part it drops is left for brokerage to broker again)."""

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from placements.formatting import money
from placements.models import CouncilSettings, User
from placements.services import DomainError
from referrals.common import chronology_add, referral_email
from referrals.models import ChronologyEntry, CoveredSlot, Referral, ScheduleSlot, SupportPackage
from referrals.pack.content import referral_redactor
from referrals.packages.schedule import Given, row_problems
from referrals.workflow import Status as ReferralStatus
from referrals.workflow import transition

from ..placement.models import Placement
from ..placement.services.agreement import agreement_issue
from ..placement.services.placement import locked_placement, require_brokerage
from .models import PackageVariation
from .terms import package_terms

Kind = PackageVariation.Kind


def _hours_changes(
    kind: str,
    covered: Mapping[int, ScheduleSlot],
    current: Mapping[int, Decimal],
    hours: Mapping[int, Decimal],
) -> dict[str, list]:
    """Check the new hours of each row changed; return the changes, as the record keeps
    them."""
    if not hours:
        raise DomainError("Give the new hours of at least one day")
    if set(hours) - set(covered):
        raise DomainError("Choose from the days and times this provider covers")
    rows: list[tuple[int, Decimal, Decimal]] = []
    for pk, new in hours.items():
        slot = covered[pk]
        given = Given(
            service=slot.service,
            period=slot.period,
            day=slot.day,
            part_of_day=slot.part_of_day,
            starts=slot.starts,
            ends=slot.ends,
            hours=new,
        )
        if problems := row_problems(given):
            raise DomainError(f"{slot.get_day_display()}: {next(iter(problems.values()))}")
        if kind == Kind.MORE_HOURS and new < current[pk]:
            raise DomainError("More hours: no day may have fewer hours than now")
        if kind == Kind.FEWER_HOURS and new > current[pk]:
            raise DomainError("Fewer hours: no day may have more hours than now")
        rows.append((pk, current[pk], new))
    before = sum((old for _, old, _ in rows), Decimal(0))
    after = sum((new for _, _, new in rows), Decimal(0))
    if kind == Kind.MORE_HOURS and after <= before:
        raise DomainError("More hours: give at least one day more hours than now")
    if kind == Kind.FEWER_HOURS and after >= before:
        raise DomainError("Fewer hours: give at least one day fewer hours than now")
    return {"hours": [[pk, str(old), str(new)] for pk, old, new in rows]}


@transaction.atomic
def package_vary(
    *,
    placement: Placement,
    kind: str,
    reason: str,
    effective_from: dt.date,
    actor: User,
    panel_date: dt.date | None = None,
    end_date: dt.date | None = None,
    hours: Mapping[int, Decimal] | None = None,
    dropped: Collection[int] = (),
) -> PackageVariation:
    """Record a change to a package in place and send the provider the new version of its
    agreement to sign; the social worker is told."""
    require_brokerage(actor)
    locked = locked_placement(placement)
    referral = locked.referral
    if not locked.service:
        raise DomainError("Only a package of support is varied: a placement's changes differ")
    if locked.status != Placement.Status.PLACED:
        raise DomainError("Record a change once the agreement is countersigned")
    if kind not in Kind.values:
        raise DomainError("Choose what has changed")
    if not reason.strip():
        raise DomainError("Say what has changed and why")
    today = timezone.localdate()
    if effective_from < today - dt.timedelta(days=31):
        raise DomainError("A change cannot take effect more than a month ago")
    if locked.end_date and effective_from > locked.end_date:
        raise DomainError(f"The package ends on {locked.end_date:%-d %B %Y}")
    slots = {s.pk: s for s in referral.schedule.filter(service=locked.service)}
    covered_ids = set(
        CoveredSlot.objects.filter(answer=locked.response).values_list("slot_id", flat=True)
    ) - set(locked.dropped_slots)
    covered = {pk: slots[pk] for pk in covered_ids if pk in slots}
    varied = dict(locked.varied_hours)
    current = {pk: Decimal(varied.get(str(pk), slot.hours)) for pk, slot in covered.items()}
    dropped_now = list(locked.dropped_slots)
    end = locked.end_date
    changes: dict[str, list] = {}
    if kind in (Kind.MORE_HOURS, Kind.FEWER_HOURS):
        if kind == Kind.MORE_HOURS and panel_date is None:
            raise DomainError(
                "More hours are approved by the Resource Allocation Panel first: give its date"
            )
        if panel_date and panel_date > today:
            raise DomainError("The panel's approval date must be today or in the past")
        changes = _hours_changes(kind, covered, current, hours or {})
        for pk, _old, new in changes["hours"]:
            varied[str(pk)] = new
    elif kind == Kind.END_DATE:
        if end_date is None or end_date < effective_from:
            raise DomainError("Give the new end date, on or after the change takes effect")
        end = end_date
        changes = {"end": [str(locked.end_date or ""), str(end_date)]}
    elif kind == Kind.NOT_NEEDED:
        end = effective_from - dt.timedelta(
            days=1
        )  # not needed from then: the day before is the last
        changes = {"end": [str(locked.end_date or ""), str(end)]}
    else:  # the provider cannot meet all or part of it
        if not dropped or set(dropped) - set(covered):
            raise DomainError("Choose the days and times the provider can no longer cover")
        dropped_now += sorted(set(dropped))
        changes = {"dropped": sorted(set(dropped))}
        if covered_ids <= set(dropped_now):
            end = effective_from - dt.timedelta(days=1)
    council = CouncilSettings.load()
    redactor = referral_redactor(referral, people_style=council.people_in_pack)
    terms_before = {**locked.package_terms, "end_date": _iso(locked.end_date)}
    locked.varied_hours, locked.dropped_slots, locked.end_date = varied, dropped_now, end
    locked.package_terms = package_terms(
        referral,
        locked.response,
        redact=lambda text: redactor.redact(text).text,
        period=locked.period,
        hours=varied,
        dropped=dropped_now,
        end=end,
    )
    locked.package_terms["varied_from"] = f"{effective_from:%-d %B %Y}"
    weekly = max((Decimal(w["cost"]) for w in locked.package_terms["weeks"]), default=Decimal(0))
    before = locked.total_weekly
    locked.weekly_fee = locked.total_weekly = weekly
    locked.save(
        update_fields=[
            "varied_hours",
            "dropped_slots",
            "end_date",
            "package_terms",
            "weekly_fee",
            "total_weekly",
        ]
    )
    variation = PackageVariation.objects.create(
        placement=locked,
        kind=kind,
        reason=reason.strip(),
        effective_from=effective_from,
        panel_date=panel_date,
        end_date=end,
        changes=changes,
        terms_before=terms_before,
        terms_after={**locked.package_terms, "end_date": _iso(end)},
        recorded_by=actor,
    )
    variation.agreement = agreement_issue(placement=locked, actor=actor, varying=True)
    variation.save(update_fields=["agreement"])
    uncovered = (
        f" {len(changes['dropped'])} day{'s' * (len(changes['dropped']) != 1)} and time"
        f"{'s' * (len(changes['dropped']) != 1)} to broker again."
        if kind == Kind.CANNOT_MEET
        else ""
    )
    chronology_add(
        referral=referral,
        actor=actor,
        kind=ChronologyEntry.Kind.NOTE,
        text=(
            f"{locked.placement_type} with {locked.provider} varied from "
            f"{effective_from:%-d %B %Y}: {variation.get_kind_display().lower()}. "
            f"{reason.strip()} The dearest week goes from {money(before)} to {money(weekly)}."
            f"{uncovered}"
        ),
    )
    if kind == Kind.CANNOT_MEET:
        _broker_again(referral, changes["dropped"], actor)
    referral_email(
        referral,
        to=[referral.social_worker.email],
        template="package_varied",
        key=f"variation-{variation.pk}",
        variation=variation,
        placement=locked,
    )
    return variation


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _broker_again(referral: Referral, rows: list[int], actor: User) -> None:
    """The rows a provider can no longer cover go back to brokerage: the package returns
    to the search for them (what stays covered stays in place)."""
    package = SupportPackage.objects.select_for_update().get(referral=referral)
    package.to_rebroker = sorted(set(package.to_rebroker) | set(rows))
    package.save(update_fields=["to_rebroker", "updated_at"])
    many = "s" * (len(package.to_rebroker) != 1)
    waiting = f"{len(package.to_rebroker)} day{many} and time{many}"
    if referral.status == ReferralStatus.PLACED:
        # Back on the action list, searching (the transition sets the stage).
        transition(
            referral=referral,
            to=ReferralStatus.ACCEPTED,
            actor=actor,
            text=f"Back with brokerage: {waiting} the provider can no longer cover, to "
            "broker again",
        )
    else:
        # Already back with brokerage for another part: these join what is brokered.
        chronology_add(
            referral=referral,
            actor=actor,
            kind=ChronologyEntry.Kind.NOTE,
            text=f"{waiting} the provider can no longer cover, to broker again",
        )
    Referral.objects.filter(pk=referral.pk).update(
        next_action="Broker again the part the provider can no longer cover",
        next_action_due=timezone.localdate(),
    )
