"""The placement: move date, the IPA issued and countersigned, its files; feedback to
the providers not chosen; the placements tracker with its downloads."""

from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required, is_brokerage, user_can
from placements.roles import Role
from providers.exporting import Cell, write_csv, write_xlsx
from referrals.selectors import get_referral_for_user

from ..costs.models import CostApproval
from ..packages.services import package_confirm
from . import returns, selectors
from .forms import (
    ChangeDecisionForm,
    ChangeForm,
    CountersignAgreementForm,
    EndForm,
    FeedbackForm,
    MoveDateForm,
    ReturnCodesForm,
    ReturnYearForm,
    ReviewRecordForm,
    ReviewRequestForm,
    SendAgreementForm,
)
from .in_force import FEES
from .models import (
    Placement,
    PlacementAgreement,
    PlacementChange,
    PlacementReview,
    ProviderFeedback,
    ReturnCode,
)
from .rules import countersign_blocker, countersign_declaration
from .services import changes, reviews
from .services.agreement import agreement_countersign, agreement_issue
from .services.ending import may_end, placement_end
from .services.feedback import feedback_send, unsuccessful_requests
from .services.placement import placement_confirm
from .tracker import (
    EXPORT_HEADERS,
    PlacementFilter,
    export_row,
    for_export,
    placements_for_tracker,
)


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    # A package awarded in parts has a placement (and an agreement) for each provider:
    # `?part=` chooses whose; a placement's one is the only one.
    parts = list(selectors.placements_of(referral))
    part = request.GET.get("part", "")
    placed = next((p for p in parts if str(p.pk) == part), None) if part else None
    if part and placed is None:
        raise Http404
    placed = placed or (parts[0] if parts else None)
    approved = (
        referral.cost_approvals.filter(status=CostApproval.Status.APPROVED)
        .select_related("option__response__request__provider", "decided_by")
        .last()
    )
    if placed is None and approved is None:
        raise Http404
    brokerage = is_brokerage(request.user)
    if request.method == "POST" and not brokerage:
        raise Http404
    # Three buttons post here; the one pressed binds its form, the others stay unbound.
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = MoveDateForm(request.POST if action == "confirm" else None, package=referral.is_package)
    issue = SendAgreementForm(request.POST if action == "issue" and placed else None)
    council = CouncilSettings.for_request(request)
    to_countersign = (
        placed.agreements.filter(status=PlacementAgreement.Status.SIGNED)
        .select_related("issued_by")
        .first()
        if placed
        else None
    )
    blocker = (
        countersign_blocker(to_countersign, request.user, council)
        if to_countersign and brokerage
        else None
    )
    countersign = CountersignAgreementForm(
        request.POST if action == "countersign" and placed else None,
        initial={"name": request.user.full_name, "role": request.user.job_title},
        declaration=countersign_declaration(council),
        prefix="countersign",
    )

    if countersign.is_bound and to_countersign is None:
        countersign.add_error(None, "There is no signed agreement to countersign")
    page_url = reverse("approvals:placement", kwargs={"pk": pk})
    if placed is not None and len(parts) > 1:
        page_url += f"?part={placed.pk}"
    # Each step needs its row: without it, its form is shown as it stands.
    if approved is not None and (
        done := submit_form(
            request,
            form,
            lambda data: (package_confirm if referral.is_package else placement_confirm)(
                approval=approved, start_date=data["start_date"], actor=request.user
            ),
            redirect_to=page_url,
            success=(
                "Start date confirmed. Now send the agreement to sign."
                if referral.is_package
                else "Placement confirmed. Now send the agreement to sign."
            ),
        )
    ):
        return done
    if placed is not None and (
        done := submit_form(
            request,
            issue,
            lambda data: agreement_issue(placement=placed, actor=request.user),
            redirect_to=page_url,
            success=lambda agreement: (
                f"Agreement version {agreement.version} sent to {placed.provider} to sign."
            ),
        )
    ):
        return done
    if to_countersign is not None and (
        done := submit_form(
            request,
            countersign,
            lambda data: agreement_countersign(
                agreement=to_countersign, actor=request.user, **data
            ),
            redirect_to=page_url,
            success=(
                "Countersigned. The support is in place"
                if referral.is_package
                else "Countersigned. The child is placed"
            )
            + ", and the provider is sent the countersigned agreement.",
        )
    ):
        return done
    return render(
        request,
        "approvals/placement/placement.html",
        {
            "referral": referral,
            "placement": placed,
            "may_invoice": user_can(request.user, Capability.WORK_ACTION_LIST),
            "may_end": placed is not None
            and not placed.service
            and may_end(request.user, referral),
            "parts": parts,
            # An approved award not yet confirmed (the first, or a part brokered again).
            "to_confirm": approved
            if approved is not None and not approved.placements.exists()
            else None,
            "approved": approved,
            "form": form,
            "issue": issue,
            "countersign": countersign,
            "to_countersign": to_countersign,
            "countersign_blocker": blocker,
            "council": council,
            "brokerage": brokerage,
            "agreements": list(placed.agreements.all()) if placed else [],
            "feedback_waiting": unsuccessful_requests(referral) if placed else [],
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


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def feedback(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    form = FeedbackForm(
        request.POST if request.method == "POST" else None,
        requests=unsuccessful_requests(referral),
        referral=referral,
        council=CouncilSettings.for_request(request),
    )
    if done := submit_form(
        request,
        form,
        lambda data: feedback_send(referral=referral, entries=data["entries"], actor=request.user),
        redirect_to=reverse("approvals:placement", kwargs={"pk": pk}),
        success=f"Feedback sent to {len(form.rows)} providers.",
    ):
        return done
    errors = [
        (row.prefix, provider_request.provider.name, message)
        for provider_request, row in form.rows
        for messages_ in row.errors.values()
        for message in messages_
    ]
    return render(
        request,
        "approvals/placement/feedback.html",
        {
            "referral": referral,
            "rows": form.rows,
            "error": next(iter(form.non_field_errors()), None),
            "errors": errors,
        },
    )


# --- The tracker ----------------------------------------------------------------------


@capability_required(Capability.VIEW_PLACEMENTS)
@require_GET
def tracker(request):
    found = PlacementFilter(request.GET, queryset=placements_for_tracker(request.user))
    placements = found.qs
    totals = placements.aggregate(count=Count("pk"), weekly=Sum("total_weekly"))
    page = Paginator(placements, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "approvals/placement/tracker.html",
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
    found = PlacementFilter(request.GET, queryset=placements_for_tracker(request.user))
    rows: Iterator[list[Cell]] = (
        export_row(p) for p in for_export(found.qs).iterator(chunk_size=1000)
    )
    if fmt == "csv":
        body, kind = write_csv(rows, headers=EXPORT_HEADERS), "text/csv; charset=utf-8"
    else:
        body = write_xlsx(rows, headers=EXPORT_HEADERS, title="Placements")
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="placements-{timezone.localdate():%Y-%m-%d}.{fmt}"'
    )
    return response


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement_end_page(request, pk, placement_pk):
    """Record a placement's ending: brokerage, or the child's social worker's side."""
    placed = selectors.get_placement_for_user(user=request.user, pk=pk, placement_pk=placement_pk)
    referral = placed.referral
    if not may_end(request.user, referral):
        raise Http404
    page = reverse("approvals:placement", kwargs={"pk": referral.pk}) + f"?part={placed.pk}"
    form = EndForm(request.POST if request.method == "POST" else None)
    if placed.ended_on is None and (
        done := submit_form(
            request,
            form,
            lambda data: placement_end(
                placement=placed,
                ended_on=data["ended_on"],
                reason=data["reason"],
                planned=data["planned"] == "yes",
                note=data["note"],
                new_referral=data["new_referral"] == "yes",
                actor=request.user,
            ),
            redirect_to=page,
            success=lambda ended: (
                "The ending is recorded."
                + (
                    f" A new draft referral is started: {ended.next_referral.pk}."
                    if ended.next_referral
                    else ""
                )
            ),
        )
    ):
        return done
    return render(
        request,
        "approvals/placement/end.html",
        {"referral": referral, "placement": placed, "form": form, "back": page},
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement_reviews(request, pk, placement_pk):
    """The placement's reviews, held and due; the social worker's side or brokerage
    asks for one outside the schedule."""
    placed = selectors.get_placement_for_user(user=request.user, pk=pk, placement_pk=placement_pk)
    referral = placed.referral
    page = reverse("approvals:reviews", kwargs={"pk": pk, "placement_pk": placed.pk})
    may_ask = reviews.may_request(request.user, referral) and placed.ended_on is None
    if request.method == "POST" and not may_ask:
        raise Http404
    form = ReviewRequestForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: reviews.review_request(
            placement=placed, due_on=data["due_on"], reason=data["reason"], actor=request.user
        ),
        redirect_to=page,
        success="The review is asked for: it is on the social worker's list.",
    ):
        return done
    return render(
        request,
        "approvals/placement/reviews.html",
        {
            "referral": referral,
            "placement": placed,
            "reviews": placed.reviews.select_related("recorded_by", "requested_by").order_by(
                "-due_on", "-pk"
            ),
            "may_record": reviews.may_record(request.user, referral),
            "form": form if may_ask else None,
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement_review(request, pk, placement_pk, review_pk):
    """One review: recorded by the social worker's side, read by everyone who sees the
    referral."""
    placed = selectors.get_placement_for_user(user=request.user, pk=pk, placement_pk=placement_pk)
    review = get_object_or_404(PlacementReview, pk=review_pk, placement=placed)
    may_record = reviews.may_record(request.user, placed.referral) and review.held_on is None
    if request.method == "POST" and not may_record:
        raise Http404
    outcomes = list(placed.outcomes)
    form = ReviewRecordForm(request.POST if request.method == "POST" else None, outcomes=outcomes)
    back = reverse("approvals:reviews", kwargs={"pk": pk, "placement_pk": placed.pk})
    if done := submit_form(
        request,
        form,
        lambda data: reviews.review_record(
            review=review,
            held_on=data["held_on"],
            progress=form.progress(),
            iro_comments=data["iro_comments"],
            meets_needs=data["meets_needs"] == "yes",
            needs_note=data["needs_note"],
            actor=request.user,
        ),
        redirect_to=back,
        success="The review is recorded.",
    ):
        return done
    return render(
        request,
        "approvals/placement/review.html",
        {
            "referral": placed.referral,
            "placement": placed,
            "review": review,
            "form": form if may_record else None,
            "back": back,
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement_changes(request, pk, placement_pk):
    """The placement's changes since it was placed; brokerage records a new one."""
    placed = selectors.get_placement_for_user(user=request.user, pk=pk, placement_pk=placement_pk)
    page = reverse("approvals:placement-changes", kwargs={"pk": pk, "placement_pk": placed.pk})
    waiting = changes.change_waiting(placed)
    may_change = (
        is_brokerage(request.user)
        and placed.status == Placement.Status.PLACED
        and waiting is None
        and not (placed.ended_on and placed.ended_on <= timezone.localdate())
    )
    if request.method == "POST" and not may_change:
        raise Http404
    form = ChangeForm(
        request.POST if request.method == "POST" else None,
        initial={name: getattr(placed, name) for name in FEES},
    )
    if done := submit_form(
        request,
        form,
        lambda data: changes.placement_change(
            placement=placed,
            kind=data["kind"],
            reason=data["reason"],
            effective_from=data["effective_from"],
            fees=form.fees() or None,
            end_date=data["end_date"],
            actor=request.user,
        ),
        redirect_to=page,
        success=lambda change: (
            "The change is recorded: "
            + (
                f"it waits for the {Role(change.required_role).label.lower()} to approve it."
                if change.status == change.Status.WAITING
                else "the new agreement has gone to the provider to sign."
            )
        ),
    ):
        return done
    return render(
        request,
        "approvals/placement/changes.html",
        {
            "referral": placed.referral,
            "placement": placed,
            "changes": placed.changes.select_related(
                "recorded_by", "decided_by", "agreement"
            ).order_by("-recorded_at", "-pk"),
            "waiting": waiting,
            "form": form if may_change else None,
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def placement_change(request, pk, placement_pk, change_pk):
    """One change; the approver its new band names decides its cost."""
    placed = selectors.get_placement_for_user(user=request.user, pk=pk, placement_pk=placement_pk)
    change = get_object_or_404(
        PlacementChange.objects.select_related("recorded_by", "decided_by", "agreement"),
        pk=change_pk,
        placement=placed,
    )
    refusal = changes.change_refusal(request.user, change)
    if request.method == "POST" and refusal is not None:
        raise Http404
    form = ChangeDecisionForm(request.POST if request.method == "POST" else None)
    page = reverse(
        "approvals:placement-change",
        kwargs={"pk": pk, "placement_pk": placed.pk, "change_pk": change.pk},
    )
    if done := submit_form(
        request,
        form,
        lambda data: changes.change_decide(
            change=change,
            approve=data["decision"] == "approve",
            comments=data["comments"],
            actor=request.user,
        ),
        redirect_to=page,
        success="Your decision is recorded.",
        error_field="comments",
    ):
        return done
    return render(
        request,
        "approvals/placement/change.html",
        {
            "referral": placed.referral,
            "placement": placed,
            "change": change,
            "rows": change_rows(change),
            "form": form if refusal is None else None,
        },
    )


def change_rows(change: PlacementChange) -> list[tuple[str, str, str]]:
    """What changed, before and after, for people to read."""
    labels = {
        "weekly_fee": "Weekly fee",
        "education_weekly": "Education, a week",
        "therapy_weekly": "Therapy, a week",
        "wraparound_weekly": "Wraparound support, a week",
        "transport_weekly": "Transport, a week",
        "end_date": "End date",
    }
    rows = []
    for name, label in labels.items():
        old, new = change.before.get(name, ""), change.after.get(name, "")
        if old != new:
            rows.append((label, old or "None", new or "None"))
    return rows


@capability_required(Capability.MANAGE_COUNCIL_SETTINGS)
@require_http_methods(["GET", "POST"])
def return_codes(request):
    """The administrator maps each directory type of provider to the return's codes."""
    current = {code.provider_type: code for code in ReturnCode.objects.all()}
    form = ReturnCodesForm(request.POST if request.method == "POST" else None, current=current)
    if done := submit_form(
        request,
        form,
        lambda data: returns.return_codes_save(codes=form.codes(), actor=request.user),
        redirect_to="approvals:return-codes",
        success="The codes are saved.",
    ):
        return done
    return render(request, "approvals/placement/return_codes.html", {"form": form})


@capability_required(Capability.VIEW_PLACEMENTS)
@require_GET
def ssda903(request):
    """The placements of a year in the children looked after return's episode shape."""
    this_year = returns.year_of(timezone.localdate())
    years = list(range(this_year, this_year - 6, -1))
    form = ReturnYearForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else this_year
    first, last = returns.year_span(year)
    found = returns.episodes_of(first, last)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            write_csv((e.row() for e in found.episodes), headers=returns.HEADERS),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="ssda903-episodes-{year}.csv"'
        return response
    return render(
        request,
        "approvals/placement/ssda903.html",
        {"form": form, "year": year, "first": first, "last": last, "found": found},
    )
