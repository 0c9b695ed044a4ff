"""Recording a provider's invoice, the officer's check of it against the agreement in
force, and the decision: approved (no more than the agreement allows), queried (the
provider is told why) or rejected."""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from placements.models import CouncilSettings, User
from placements.services import DomainError
from placements.services.outbox import outbox_enqueue
from providers.models import Organisation
from referrals.pack.content import provider_email_check, refuse_identifiers
from referrals.workflow import Status

from ..placement.in_force import each_day, to_penny
from ..placement.models import Placement
from ..placement.services.placement import locked_placement, require_brokerage
from .models import Invoice, InvoiceLine
from .rules import (
    LONGEST_PERIOD_DAYS,
    MOST_HOURS,
    MOST_RATE,
    RATES,
    Check,
    HoursLine,
    hours_check,
    invoice_check,
)


def one_off_left(placement: Placement, *, besides: Invoice | None = None) -> Decimal:
    """The one-off costs agreed and not yet approved on another invoice."""
    paid = InvoiceLine.objects.filter(
        invoice__placement=placement,
        invoice__status=Invoice.Status.APPROVED,
        kind=InvoiceLine.Kind.ONE_OFF,
    ).exclude(invoice=besides).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return max(placement.one_off_costs - paid, Decimal(0))


def _other_days(invoice: Invoice, statuses: Sequence[str]) -> dict[dt.date, str]:
    """Days of this invoice's period on another of the placement's invoices in one of
    `statuses`, with that invoice's number."""
    days: dict[dt.date, str] = {}
    others = (
        Invoice.objects.filter(
            placement_id=invoice.placement_id,
            period_start__lte=invoice.period_end,
            period_end__gte=invoice.period_start,
            status__in=statuses,
        )
        .exclude(pk=invoice.pk)
        .values_list("period_start", "period_end", "provider_reference")
    )
    for start, end, reference in others:
        first, last = max(start, invoice.period_start), min(end, invoice.period_end)
        for day in each_day(first, last):
            days.setdefault(day, reference)
    return days


def days_elsewhere(invoice: Invoice) -> set[dt.date]:
    """Days of this invoice's period already paid: on another of the placement's
    invoices that is approved."""
    return set(_other_days(invoice, [Invoice.Status.APPROVED]))


def overlapping(invoice: Invoice) -> list[str]:
    """The numbers of the placement's other invoices still open (waiting for a check or
    queried) that claim some of the same days: whichever is approved first is paid."""
    open_ = [Invoice.Status.RECEIVED, Invoice.Status.QUERIED]
    return sorted(set(_other_days(invoice, open_).values()))


def check_of(invoice: Invoice) -> Check:
    check = _check(invoice)
    if others := overlapping(invoice):
        check.notes.append(
            f"Some of the same days are on invoice{'s' * (len(others) > 1)} "
            f"{', '.join(others)}, not yet decided: whichever is approved first is paid for them"
        )
    return check


def _check(invoice: Invoice) -> Check:
    placement = invoice.placement
    absent = [dt.date.fromisoformat(day) for day in invoice.absent_days]
    if placement.service:
        return hours_check(
            placement,
            list(placement.variations.select_related("agreement")),
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            lines=[
                HoursLine(
                    line.rate_kind, line.hours or Decimal(0), line.rate or Decimal(0), line.amount
                )
                for line in invoice.lines.all()
            ],
            today=timezone.localdate(),
            absent=absent,
            elsewhere=days_elsewhere(invoice),
        )
    return invoice_check(
        placement,
        list(placement.changes.select_related("agreement")),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        lines=[(line.kind, line.amount) for line in invoice.lines.all()],
        absent=absent,
        elsewhere=days_elsewhere(invoice),
        one_off_left=one_off_left(placement, besides=invoice),
        today=timezone.localdate(),
    )


# A line as given: (kind, description, amount), or for hours of support
# (kind, description, amount, rate kind, hours, rate).
Line = tuple[Any, ...]


def _lines_checked(lines: Sequence[Line], placement: Placement) -> list[InvoiceLine]:
    """The lines as rows to save: a package's are hours at one of its rates (each the
    hours times the rate, to the penny); a placement's are its fee, other weekly costs
    and one-off costs."""
    if not lines:
        raise DomainError("Give at least one line of the invoice")
    checked = []
    for kind, description, amount, *hourly in lines:
        if kind not in InvoiceLine.Kind.values:
            raise DomainError("Choose what each line is for")
        if (kind == InvoiceLine.Kind.HOURS) != bool(placement.service):
            raise DomainError(
                "A package's invoice claims hours of support at its rates"
                if placement.service
                else "A placement's invoice claims its fees and costs, not hours"
            )
        if amount < 0:
            raise DomainError("An invoice line cannot be negative")
        if amount != amount.quantize(Decimal("0.01")):
            raise DomainError("Give amounts in pounds and pence")
        line = InvoiceLine(kind=kind, description=description.strip(), amount=amount)
        if kind == InvoiceLine.Kind.HOURS:
            rate_kind, hours, rate = hourly
            if rate_kind not in RATES:
                raise DomainError("Choose the rate each line of hours is paid at")
            if hours <= 0 or rate <= 0:
                raise DomainError("Give the hours and the rate an hour")
            if hours > MOST_HOURS or rate > MOST_RATE:
                raise DomainError(
                    f"A line is {MOST_HOURS:,} hours at most, at £{MOST_RATE} an hour at most"
                )
            if to_penny(hours * rate) != amount:
                raise DomainError("Each line of hours must cost its hours times its rate")
            line.rate_kind, line.hours, line.rate = rate_kind, hours, rate
            line.description = line.description or RATES[rate_kind]
        checked.append(line)
    return checked


def _lines_put(invoice: Invoice, lines: Sequence[InvoiceLine]) -> None:
    """The invoice's lines saved, and what it claims (saved by the caller)."""
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    invoice.claimed = sum((line.amount for line in lines), Decimal(0))


@transaction.atomic
def invoice_record(
    *,
    placement: Placement,
    provider_reference: str,
    period_start: dt.date,
    period_end: dt.date,
    lines: Sequence[Line],
    actor: User | None,
    source: str = Invoice.Source.OFFICER,
    sent_by: str = "",
) -> Invoice:
    """Record an invoice (by an officer, or sent by the provider with `actor` None and
    `sent_by` the address it signed in with) and check it at once."""
    if actor is not None:
        require_brokerage(actor)
    locked = locked_placement(placement)
    if locked.is_in_house:
        raise DomainError(
            "The council's own carers are paid their fostering allowances, not by invoice"
        )
    if locked.placed_at is None:
        raise DomainError("Invoices are checked once the placement's agreement is countersigned")
    if locked.referral.status == Status.WITHDRAWN:
        raise DomainError("The referral is withdrawn")
    reference = provider_reference.strip()
    if not reference:
        raise DomainError("Enter the provider's invoice number")
    if period_end < period_start:
        raise DomainError("The period must end on or after it starts")
    if (period_end - period_start).days + 1 > LONGEST_PERIOD_DAYS:
        raise DomainError(f"An invoice covers {LONGEST_PERIOD_DAYS} days at most")
    if period_start > timezone.localdate():
        raise DomainError("The period must have started")
    if Invoice.objects.filter(placement=locked, provider_reference=reference).exists():
        raise DomainError(f"Invoice {reference} is already recorded for this placement")
    checked = _lines_checked(lines, locked)
    invoice = Invoice.objects.create(
        placement=locked,
        provider_reference=reference,
        period_start=period_start,
        period_end=period_end,
        source=source,
        recorded_by=actor,
        sent_by=sent_by,
        claimed=Decimal(0),
        allowed=Decimal(0),
    )
    _lines_put(invoice, checked)
    invoice.allowed = check_of(invoice).allowed
    invoice.save(update_fields=["claimed", "allowed"])
    return invoice


def _locked(invoice: Invoice) -> Invoice:
    locked_placement(invoice.placement)
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("placement")
        .get(pk=invoice.pk)
    )


@transaction.atomic
def invoice_absences(*, invoice: Invoice, absent: Iterable[dt.date], actor: User) -> Invoice:
    """The days in the period the child was not there (in hospital, in custody, missing
    overnight); the check is made again."""
    require_brokerage(actor)
    locked = _locked(invoice)
    if locked.status not in (Invoice.Status.RECEIVED, Invoice.Status.QUERIED):
        raise DomainError("This invoice is decided")
    days = sorted(set(absent))
    if any(day < locked.period_start or day > locked.period_end for day in days):
        raise DomainError("The days away must be in the invoice's period")
    if days and days[-1] > timezone.localdate():
        raise DomainError("The days away must have passed: record them once they have")
    locked.absent_days = [day.isoformat() for day in days]
    locked.allowed = check_of(locked).allowed
    locked.save(update_fields=["absent_days", "allowed"])
    return locked


@transaction.atomic
def invoice_decide(*, invoice: Invoice, decision: str, note: str, actor: User) -> Invoice:
    """Approve (what the agreement allows of what was claimed), query or reject (the
    provider is told why, with nothing about the child)."""
    require_brokerage(actor)
    locked = _locked(invoice)
    if locked.status not in (Invoice.Status.RECEIVED, Invoice.Status.QUERIED):
        raise DomainError(f"This invoice is already {locked.get_status_display().lower()}")
    if decision not in (Invoice.Status.APPROVED, Invoice.Status.QUERIED, Invoice.Status.REJECTED):
        raise DomainError("Choose what to do with the invoice")
    note = note.strip()
    if decision != Invoice.Status.APPROVED and not note:
        raise DomainError("Say why, for the provider")
    council = CouncilSettings.load()
    if note:
        # The note goes to the provider: nothing that would identify the child. The
        # placement's own invoice numbers may be quoted (they read as references).
        quoted = note
        for number in Invoice.objects.filter(placement_id=locked.placement_id).values_list(
            "provider_reference", flat=True
        ):
            quoted = quoted.replace(number, "the invoice")
        refuse_identifiers(
            locked.placement.referral, quoted, what="The note for the provider", council=council
        )
    check = check_of(locked)
    locked.status, locked.decision_note = decision, note
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.allowed = check.allowed
    locked.approved = check.allowed if decision == Invoice.Status.APPROVED else None
    locked.save(
        update_fields=[
            "status",
            "decision_note",
            "decided_by",
            "decided_at",
            "allowed",
            "approved",
        ]
    )
    placement = locked.placement
    referral = placement.referral
    if decision != Invoice.Status.APPROVED or locked.approved != locked.claimed:
        outbox_enqueue(
            key=f"invoice_decided:{locked.pk}:{decision}:{locked.decided_at.timestamp()}",
            to=placement.provider.referral_emails,
            template="invoice_decided",
            context={
                "invoice": locked,
                "reference": referral.reference,
                "provider": placement.provider,
                "council": council,
                "site_url": settings.SITE_URL,
            },
            check=provider_email_check(referral, council),
        )
    return locked


# --- Sent by the provider through its account ---------------------------------------------


def _own(organisation: Organisation, placement: Placement) -> None:
    if placement.provider.organisation_id != organisation.pk:
        raise DomainError("This placement is not with one of your settings")


@transaction.atomic
def invoice_send(
    *,
    organisation: Organisation,
    email: str,
    placement: Placement,
    provider_reference: str,
    period_start: dt.date,
    period_end: dt.date,
    lines: Sequence[Line],
) -> Invoice:
    """An invoice the provider sends through its account: recorded and checked as an
    officer's would be, waiting for an officer's decision."""
    _own(organisation, placement)
    invoice = invoice_record(
        placement=placement,
        provider_reference=provider_reference,
        period_start=period_start,
        period_end=period_end,
        lines=lines,
        actor=None,
        source=Invoice.Source.PROVIDER,
        sent_by=email,
    )
    return invoice


@transaction.atomic
def invoice_correct(
    *,
    organisation: Organisation,
    email: str,
    invoice: Invoice,
    lines: Sequence[Line],
) -> Invoice:
    """The provider's answer to a query: the invoice's lines as corrected. What was
    claimed before and the query are kept; the invoice waits for a check again."""
    _own(organisation, invoice.placement)
    locked = _locked(invoice)
    if locked.status != Invoice.Status.QUERIED:
        raise DomainError("Only a queried invoice can be corrected")
    if locked.placement.referral.status == Status.WITHDRAWN:
        raise DomainError("The referral is withdrawn")
    checked = _lines_checked(lines, locked.placement)
    before = [
        [line.kind, line.description, str(line.amount)]
        + ([line.rate_kind, str(line.hours), str(line.rate)] if line.hours is not None else [])
        for line in locked.lines.order_by("pk")
    ]
    locked.corrections = [
        *locked.corrections,
        {
            "query": locked.decision_note,
            "queried_at": locked.decided_at.isoformat() if locked.decided_at else "",
            "queried_by": locked.decided_by.full_name if locked.decided_by else "",
            "claimed_before": str(locked.claimed),
            "lines_before": before,
            "corrected_at": timezone.now().isoformat(),
            "corrected_by": email,
        },
    ]
    locked.lines.all().delete()
    _lines_put(locked, checked)
    locked.status = Invoice.Status.RECEIVED
    locked.decided_by, locked.decided_at, locked.decision_note = None, None, ""
    locked.allowed = check_of(locked).allowed
    locked.save()
    return locked
