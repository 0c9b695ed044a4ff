"""Part A of a package referral, as the social worker drafts it: what is asked for, the
package's dates and approval, and each row of its weekly tables. Like every section of
a draft, answers are kept as given and completeness is checked at submission."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from placements.models import CouncilSettings, User
from placements.services import DomainError, shown_value
from referrals.drafting.services import column_label, edit_record, editable_locked
from referrals.models import Referral, ScheduleSlot, SummerSchemeRequest, SupportPackage
from referrals.packages.rules import requested_reason_problem
from referrals.packages.schedule import Given, clash, row_problems, when_text
from referrals.packages.summer import summer_problems

# What the social worker answers (the referral's urgency with them); not brokerage's
# record of what to broker again after the award.
PACKAGE_FIELDS = [
    *(
        f.name
        for f in SupportPackage._meta.concrete_fields
        if f.name not in ("id", "referral", "updated_at", "to_rebroker")
    ),
    "is_urgent",
]
SLOT_FIELDS = ["service", "period", "day", "part_of_day", "starts", "ends", "hours"]


def _shown(package: SupportPackage, referral: Referral, names: Iterable[str]) -> dict[str, str]:
    """The answers as history shows them, by label (urgency is the referral's own)."""
    return {
        "Urgent" if name == "is_urgent" else capfirst(column_label(SupportPackage, name)): (
            shown_value(referral if name == "is_urgent" else package, name)
        )
        for name in names
    }


@transaction.atomic
def referral_service_set(*, referral: Referral, service: str, actor: User) -> Referral:
    """Change what a draft asks for. The answers already given stay; which sections a
    submission needs follows the new choice."""
    referral = editable_locked(referral, actor)
    if service not in Referral.Service.values:
        raise DomainError("Choose what the referral asks for")
    before = {"What is asked for": referral.get_service_display()}
    referral.service = service
    referral.save(update_fields=["service", "updated_at"])
    edit_record(referral, before, {"What is asked for": referral.get_service_display()}, actor)
    return referral


@transaction.atomic
def package_update(*, referral: Referral, values: Mapping[str, Any], actor: User) -> SupportPackage:
    """Keep the package answers given (any of them: a draft may leave some for later)."""
    referral = editable_locked(referral, actor)
    if not referral.is_package:
        raise DomainError("This referral asks for a placement, not a package of support")
    unknown = set(values) - set(PACKAGE_FIELDS)
    if unknown:
        raise ValueError(f"Not package fields: {', '.join(sorted(unknown))}")
    if values.get("requested_provider") and (
        problem := requested_reason_problem(values.get("requested_reason", ""))
    ):
        raise DomainError(problem)
    package = SupportPackage.objects.select_for_update().filter(referral=referral).first()
    package = package or SupportPackage(referral=referral)
    before = _shown(package, referral, values) if package.pk else {}
    for name, value in values.items():
        setattr(referral if name == "is_urgent" else package, name, value)
    package.full_clean(exclude=["referral"])
    package.save()
    changed = ["is_urgent"] if "is_urgent" in values else []
    if "start_date" in values:
        # The lists and the action list order by the date needed: a package's start.
        referral.date_needed = package.start_date
        changed.append("date_needed")
    if changed:
        referral.save(update_fields=[*changed, "updated_at"])
    edit_record(referral, before, _shown(package, referral, values), actor)
    return package


def _slot_text(slot: ScheduleSlot) -> str:
    return f"{slot.get_day_display()}, {when_text(slot)}"


@transaction.atomic
def slot_save(
    *,
    referral: Referral,
    values: Mapping[str, Any],
    actor: User,
    slot: ScheduleSlot | None = None,
) -> ScheduleSlot:
    """Add a row to one of the package's weekly tables, or change one. A row that does
    not make sense, or that overlaps another (in any service's table on the same day),
    is refused with why."""
    referral = editable_locked(referral, actor)
    if not referral.is_package:
        raise DomainError("This referral asks for a placement, not a package of support")
    if slot is not None:
        slot = ScheduleSlot.objects.get(pk=slot.pk, referral=referral)
    given = Given(**{name: values[name] for name in SLOT_FIELDS}, pk=slot.pk if slot else None)
    if given.service not in referral.services_asked:
        raise DomainError("This referral does not ask for that service")
    if problems := row_problems(given):
        raise DomainError(next(iter(problems.values())))
    if reason := clash(given, referral.schedule.select_for_update()):
        raise DomainError(reason)
    before = {"Weekly table": _slot_text(slot)} if slot else {}
    slot = slot or ScheduleSlot(referral=referral)
    for name in SLOT_FIELDS:
        setattr(slot, name, values[name])
    slot.save()
    edit_record(referral, before, {"Weekly table": _slot_text(slot)}, actor)
    return slot


@transaction.atomic
def slot_remove(*, referral: Referral, slot: ScheduleSlot, actor: User) -> None:
    referral = editable_locked(referral, actor)
    ScheduleSlot.objects.filter(pk=slot.pk, referral=referral).delete()
    edit_record(referral, {"Weekly table": _slot_text(slot)}, {"Weekly table": ""}, actor)


SUMMER_FIELDS = [
    "child",
    "year",
    "case",
    "days",
    "more_days_reason",
    "preferred_dates",
    "unavailable_dates",
    "parents_told",
]


@transaction.atomic
def summer_request_save(
    *,
    referral: Referral,
    values: Mapping[str, Any],
    actor: User,
    summer: SummerSchemeRequest | None = None,
) -> SummerSchemeRequest:
    """Annex 1: a summer play scheme place for one of the referral's children, within the
    council's rules on days and dates (a request outside them is refused with why)."""
    referral = editable_locked(referral, actor)
    if not referral.wants_short_break:
        raise DomainError("A summer play scheme is asked for on a short breaks referral")
    child = values["child"]
    if child.referral_id != referral.pk:
        raise DomainError("Choose one of the referral's children")
    problems = summer_problems(
        year=values["year"],
        case=values["case"],
        days=values["days"],
        more_days_reason=values.get("more_days_reason", ""),
        on=timezone.localdate(),
        council=CouncilSettings.load(),
    )
    if problems:
        raise DomainError(next(iter(problems.values())))
    others = referral.summer_requests.filter(child=child, year=values["year"])
    if summer is not None:
        others = others.exclude(pk=summer.pk)
    if others.exists():
        raise DomainError(f"{child.full_name} already has a request for summer {values['year']}")
    before = {"Summer play scheme": str(summer)} if summer else {}
    summer = (
        SummerSchemeRequest.objects.get(pk=summer.pk, referral=referral)
        if summer
        else SummerSchemeRequest(referral=referral)
    )
    for name in SUMMER_FIELDS:
        if name in values:
            setattr(summer, name, values[name])
    summer.save()
    edit_record(referral, before, {"Summer play scheme": f"{summer}, {summer.days} days"}, actor)
    return summer


@transaction.atomic
def summer_request_remove(*, referral: Referral, summer: SummerSchemeRequest, actor: User) -> None:
    referral = editable_locked(referral, actor)
    SummerSchemeRequest.objects.filter(pk=summer.pk, referral=referral).delete()
    edit_record(referral, {"Summer play scheme": str(summer)}, {"Summer play scheme": ""}, actor)
