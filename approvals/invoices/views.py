"""Brokerage's invoice pages: every invoice with the totals; a placement's invoices and
recording one; one invoice's check and decision; the approved invoices for finance."""

import datetime as dt

from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import run_action, submit_form
from placements.permissions import Capability, capability_required
from providers.exporting import write_csv
from providers.importing.spreadsheet import ImportFileError

from ..placement.in_force import each_day
from ..placement.selectors import get_placement_for_user
from . import importing, services
from .forms import AbsenceForm, InvoiceDecisionForm, InvoiceImportForm, invoice_form
from .models import Invoice

# The finance system's layout: one row per approved invoice (docs/invoices.md).
EXPORT_HEADERS = [
    "Invoice id",
    "Invoice number",
    "Provider",
    "Referral",
    "Period from",
    "Period to",
    "Claimed",
    "Approved",
    "Saved by checking",
    "Approved on",
    "Approved by",
]


def _posted(request):
    return request.POST if request.method == "POST" else None


def totals(invoices) -> dict:
    """Claimed, approved and saved by checking, over the approved invoices given."""
    found = invoices.aggregate(
        count=Count("pk"),
        claimed=Sum("claimed", filter=Q(status=Invoice.Status.APPROVED)),
        approved=Sum("approved", filter=Q(status=Invoice.Status.APPROVED)),
        waiting=Count("pk", filter=Q(status=Invoice.Status.RECEIVED)),
    )
    claimed, approved = found["claimed"] or 0, found["approved"] or 0
    return {**found, "claimed": claimed, "approved": approved, "saved": claimed - approved}


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def invoices(request):
    status = request.GET.get("status", "")
    shown = Invoice.objects.select_related("placement__referral", "placement__provider")
    if status in Invoice.Status.values:
        shown = shown.filter(status=status)
    return render(
        request,
        "approvals/invoices/invoices.html",
        {
            "invoices": shown.order_by("status", "-period_start", "-pk")[:200],
            "status": status,
            "statuses": Invoice.Status.choices,
            "totals": totals(Invoice.objects.all()),
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def placement_invoices(request, pk, placement_pk):
    placed = get_placement_for_user(
        user=request.user, pk=pk, placement_pk=placement_pk, packages=True
    )
    form = invoice_form(placed, _posted(request))
    if done := submit_form(
        request,
        form,
        lambda data: services.invoice_record(
            placement=placed,
            provider_reference=data["provider_reference"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            lines=form.lines(),
            actor=request.user,
        ),
        redirect_to=lambda invoice: reverse(
            "approvals:invoice",
            kwargs={"pk": pk, "placement_pk": placed.pk, "invoice_pk": invoice.pk},
        ),
        success="The invoice is recorded and checked.",
        error_field="provider_reference",
    ):
        return done
    return render(
        request,
        "approvals/invoices/placement_invoices.html",
        {
            "referral": placed.referral,
            "placement": placed,
            "invoices": Invoice.objects.filter(placement=placed).order_by("-period_start", "-pk"),
            "totals": totals(Invoice.objects.filter(placement=placed)),
            "form": form,
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def invoice(request, pk, placement_pk, invoice_pk):
    placed = get_placement_for_user(
        user=request.user, pk=pk, placement_pk=placement_pk, packages=True
    )
    found = get_object_or_404(
        Invoice.objects.select_related("placement__referral", "placement__provider"),
        pk=invoice_pk,
        placement=placed,
    )
    page = reverse(
        "approvals:invoice",
        kwargs={"pk": pk, "placement_pk": placed.pk, "invoice_pk": found.pk},
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "clear-away":
        return run_action(
            request,
            lambda: services.invoice_absences(invoice=found, absent=[], actor=request.user),
            redirect_to=page,
            success="The days away are cleared and the invoice checked again.",
        )
    away = AbsenceForm(_posted(request) if action == "away" else None, prefix="away")
    if done := submit_form(
        request,
        away,
        lambda data: services.invoice_absences(
            invoice=found,
            absent=[
                *(dt.date.fromisoformat(day) for day in found.absent_days),
                *each_day(data["away_from"], data["away_to"]),
            ],
            actor=request.user,
        ),
        redirect_to=page,
        success="The days away are recorded and the invoice checked again.",
        error_field="away_from",
    ):
        return done
    decide = InvoiceDecisionForm(_posted(request) if action == "decide" else None, prefix="decide")
    if done := submit_form(
        request,
        decide,
        lambda data: services.invoice_decide(
            invoice=found, decision=data["decision"], note=data["note"], actor=request.user
        ),
        redirect_to=page,
        success=lambda decided: f"The invoice is {decided.get_status_display().lower()}.",
        error_field="note",
    ):
        return done
    open_ = found.status in (Invoice.Status.RECEIVED, Invoice.Status.QUERIED)
    return render(
        request,
        "approvals/invoices/invoice.html",
        {
            "referral": placed.referral,
            "placement": placed,
            "invoice": found,
            "check": services.check_of(found),
            "lines": found.lines.all(),
            "away_days": [f"{dt.date.fromisoformat(day):%-d %b}" for day in found.absent_days],
            "away": away if open_ else None,
            "decide": decide if open_ else None,
            "errors": [f for f in (away, decide) if f.is_bound and f.errors],
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_GET
def invoices_export(request):
    """The approved invoices, for the finance system (CSV, docs/invoices.md)."""
    approved = (
        Invoice.objects.filter(status=Invoice.Status.APPROVED)
        .select_related("placement__referral", "placement__provider", "decided_by")
        .order_by("decided_at", "pk")
    )
    rows = (
        [
            invoice.pk,
            invoice.provider_reference,
            invoice.placement.provider.name,
            invoice.placement.referral.reference,
            invoice.period_start,
            invoice.period_end,
            invoice.claimed,
            invoice.approved,
            invoice.saved,
            invoice.decided_at.date() if invoice.decided_at else "",
            invoice.decided_by.full_name if invoice.decided_by else "",
        ]
        for invoice in approved.iterator()
    )
    response = HttpResponse(
        write_csv(rows, headers=EXPORT_HEADERS), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="approved-invoices.csv"'
    return response


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def invoices_import(request):
    """A spreadsheet of invoices: all recorded and checked, or none, with each row's
    problem."""
    form = InvoiceImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = importing.invoices_import(
                content=upload.read(), filename=upload.name, actor=request.user
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            if not imported.problems:
                messages.success(
                    request,
                    f"{imported.count} invoice{'s' * (imported.count != 1)} recorded and checked.",
                )
                return redirect("approvals:invoices")
            problems = imported.problems
    return render(
        request,
        "approvals/invoices/import.html",
        {"form": form, "problems": problems, "headings": importing.HEADINGS},
    )
