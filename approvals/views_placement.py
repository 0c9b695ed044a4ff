"""The placement: move date, the IPA issued and countersigned, its files; feedback to
the providers not chosen; the placements tracker with its exports."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required
from placements.services import DomainError
from providers.exporting import write_csv, write_xlsx
from referrals.pack.content import refuse_identifiers
from referrals.selectors import get_referral_for_user

from . import selectors
from .filters import PlacementFilter
from .forms import CountersignAgreementForm, MoveDateForm
from .models import CostApproval, PlacementAgreement, ProviderFeedback
from .services import placement as services


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    placed = selectors.placement_for(referral)
    approved = (
        referral.cost_approvals.filter(status=CostApproval.Status.APPROVED)
        .select_related("option__response__request__provider", "decided_by")
        .last()
    )
    if placed is None and approved is None:
        raise Http404
    brokerage = request.user.has_role("brokerage_officer", "duty_lead")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = MoveDateForm(request.POST if action == "confirm" and brokerage else None)
    council = CouncilSettings.for_request(request)
    to_countersign = (
        placed.agreements.filter(status=PlacementAgreement.Status.SIGNED)
        .select_related("issued_by")
        .first()
        if placed
        else None
    )
    blocker = (
        services.countersign_blocker(to_countersign, request.user, council)
        if to_countersign and brokerage
        else None
    )
    countersign = CountersignAgreementForm(
        request.POST if action == "countersign" and brokerage else None,
        initial={"name": request.user.full_name, "role": request.user.job_title},
        declaration=services.countersign_declaration(council),
        prefix="countersign",
    )
    if request.method == "POST":
        if not brokerage:
            raise Http404
        try:
            if action == "confirm" and form.is_valid():
                services.placement_confirm(
                    approval=approved,
                    start_date=form.cleaned_data["start_date"],
                    actor=request.user,
                )
                messages.success(request, "Placement confirmed. Now send the agreement to sign.")
                return redirect("approvals:placement", pk=pk)
            if action == "issue" and placed:
                agreement = services.agreement_issue(placement=placed, actor=request.user)
                messages.success(
                    request,
                    f"Agreement version {agreement.version} sent to {placed.provider} to sign.",
                )
                return redirect("approvals:placement", pk=pk)
            if action == "countersign" and placed:
                if to_countersign is None:
                    raise DomainError("There is no signed agreement to countersign")
                if countersign.is_valid():
                    services.agreement_countersign(
                        agreement=to_countersign,
                        actor=request.user,
                        name=countersign.cleaned_data["name"],
                        role=countersign.cleaned_data["role"],
                        declaration=countersign.cleaned_data["declaration"],
                    )
                    messages.success(
                        request,
                        "Countersigned. The child is placed, and the provider is sent the "
                        "countersigned agreement.",
                    )
                    return redirect("approvals:placement", pk=pk)
        except DomainError as error:
            shown = countersign if action == "countersign" else form
            if not shown.is_bound:
                shown.cleaned_data = {}  # an error from the step, not from the form's fields
            shown.add_error(None, str(error))
    return render(
        request,
        "approvals/placement.html",
        {
            "referral": referral,
            "placement": placed,
            "approved": approved,
            "form": form,
            "countersign": countersign,
            "to_countersign": to_countersign,
            "countersign_blocker": blocker,
            "council": council,
            "brokerage": brokerage,
            "agreements": list(placed.agreements.all()) if placed else [],
            "feedback_waiting": services.unsuccessful_requests(referral) if placed else [],
            "feedback": ProviderFeedback.objects.filter(request__round__referral=referral)
            .select_related("request__provider", "sent_by")
            .order_by("request__provider__name"),
        },
    )


FILES = {"issued": "issued_pdf", "signed": "signed_copy", "final": "final_pdf"}


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def agreement_file(request, pk, agreement_pk, kind):
    agreement = selectors.get_agreement_for_user(
        user=request.user, pk=pk, agreement_pk=agreement_pk
    )
    field = getattr(agreement, FILES.get(kind, ""), None)
    if not field:
        raise Http404
    response = FileResponse(
        field.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"ipa-{agreement.placement.referral.reference}-v{agreement.version}-{kind}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


class FeedbackRowForm(forms.Form):
    reasons = forms.MultipleChoiceField(
        choices=ProviderFeedback.Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one reason"},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def feedback(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    waiting = services.unsuccessful_requests(referral)
    data = request.POST if request.method == "POST" else None
    rows = [
        (provider_request, FeedbackRowForm(data, prefix=f"p{provider_request.pk}"))
        for provider_request in waiting
    ]
    error = None
    council = CouncilSettings.for_request(request)
    for _provider_request, form in rows:
        if form.is_bound and form.is_valid() and form.cleaned_data["note"].strip():
            try:
                refuse_identifiers(
                    referral, form.cleaned_data["note"], what="This note", council=council
                )
            except DomainError as refused:
                form.add_error("note", str(refused))
    if request.method == "POST" and all(form.is_valid() for _, form in rows):
        try:
            services.feedback_send(
                referral=referral,
                entries=[
                    (provider_request, form.cleaned_data["reasons"], form.cleaned_data["note"])
                    for provider_request, form in rows
                ],
                actor=request.user,
            )
        except DomainError as refused:
            error = str(refused)
        else:
            messages.success(request, f"Feedback sent to {len(rows)} providers.")
            return redirect("approvals:placement", pk=pk)
    errors = [
        (form.prefix, provider_request.provider.name, message)
        for provider_request, form in rows
        for messages_ in form.errors.values()
        for message in messages_
    ]
    return render(
        request,
        "approvals/feedback.html",
        {"referral": referral, "rows": rows, "error": error, "errors": errors},
    )


# --- The tracker ----------------------------------------------------------------------

HEADERS = [
    "Referral",
    "Children",
    "Provider",
    "In-house",
    "Placement type",
    "Setting",
    "Start date",
    "Status",
    "Weekly fee",
    "Additional weekly",
    "Total weekly",
    "Annual",
    "One-off costs",
    "Team",
]


def _row(p) -> list:
    return [
        p.referral.reference,
        ", ".join(child.initials for child in p.referral.children.all()),
        p.provider.name,
        "Yes" if p.is_in_house else "No",
        p.placement_type,
        p.setting,
        p.start_date,
        p.get_status_display(),
        p.weekly_fee,
        p.total_weekly - p.weekly_fee,
        p.total_weekly,
        p.annual,
        p.one_off_costs,
        str(p.referral.team or ""),
    ]


@capability_required(Capability.VIEW_PLACEMENTS)
@require_GET
def tracker(request):
    found = PlacementFilter(request.GET, queryset=selectors.placements_for_tracker(request.user))
    placements = found.qs
    totals = placements.aggregate(count=Count("pk"), weekly=Sum("total_weekly"))
    page = Paginator(placements, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "approvals/tracker.html",
        {
            "filter": found,
            "page": page,
            "count": totals["count"],
            "querystring_without_page": query.urlencode(),
            "weekly": totals["weekly"] or 0,
        },
    )


@capability_required(Capability.VIEW_PLACEMENTS)
@require_GET
def tracker_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    found = PlacementFilter(request.GET, queryset=selectors.placements_for_tracker(request.user))
    rows = (_row(p) for p in selectors.for_export(found.qs).iterator(chunk_size=1000))
    if fmt == "csv":
        body, kind = write_csv(rows, headers=HEADERS), "text/csv; charset=utf-8"
    else:
        body = write_xlsx(rows, headers=HEADERS, title="Placements")
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="placements-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    )
    return response
