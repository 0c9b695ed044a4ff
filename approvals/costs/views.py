"""The approver's queue and decision, asking again after a return, and the cost bands."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from placements.actions import run_action, submit_form
from placements.calendar import LONDON
from placements.formatting import money
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required

from ..offers.rules import funding_limit, offer_flags
from ..placement import selectors as placement_selectors
from . import selectors, services
from .forms import APPROVE, REJECT, CostBandsForm, CostDecisionForm
from .models import CostApproval, CostBandVersion
from .rules import approval_refusal, band_ranges, bands_in_force


@capability_required(Capability.APPROVE_COSTS)
@require_http_methods(["GET"])
def queue(request):
    waiting = list(selectors.approvals_waiting_for(request.user))
    decided = (
        CostApproval.objects.filter(decided_by=request.user)
        .select_related("referral", "option__response__request__provider")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "approvals/costs/queue.html",
        {
            "waiting": waiting,
            "decided": decided,
            "changes": placement_selectors.changes_waiting_for(request.user),
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def cost_approval(request, pk, approval_pk):
    approval = selectors.get_approval_for_user(user=request.user, pk=pk, approval_pk=approval_pk)
    refusal = approval_refusal(request.user, approval)
    can_decide = approval.status == CostApproval.Status.PENDING and refusal is None
    form = CostDecisionForm(request.POST if request.method == "POST" else None)
    page_url = reverse("approvals:cost-approval", kwargs={"pk": pk, "approval_pk": approval_pk})
    if request.method == "POST" and approval.status != CostApproval.Status.PENDING:
        messages.info(request, "This cost has already been decided.")
        return redirect(page_url)

    def decide(data):
        action = {
            APPROVE: services.approval_approve,
            REJECT: services.approval_reject,
        }.get(data["decision"], services.approval_return)
        return action(approval=approval, actor=request.user, comments=data["comments"])

    if done := submit_form(
        request,
        form,
        decide,
        redirect_to=page_url,
        success=lambda decided: f"Cost {decided.get_status_display().lower()}.",
    ):
        return done
    response = approval.option.response
    return render(
        request,
        "approvals/costs/approval.html",
        {
            "referral": approval.referral,
            "approval": approval,
            "option": approval.option,
            "response": response,
            "shortlist": approval.option.shortlist,
            "bands": band_ranges(approval.band_version) if approval.band_version else [],
            # What the officer saw on the offer, and any override, for the approver to weigh.
            "flags": offer_flags(
                response,
                limit=funding_limit(approval.referral),
                council=CouncilSettings.for_request(request),
            ),
            "form": form,
            "can_decide": can_decide,
            "refusal": refusal if approval.status == CostApproval.Status.PENDING else None,
        },
    )


@capability_required(Capability.WORK_ACTION_LIST)
@require_POST
def ask_again(request, pk, approval_pk):
    approval = selectors.get_approval_for_user(user=request.user, pk=pk, approval_pk=approval_pk)
    return run_action(
        request,
        lambda: services.approval_ask_again(approval=approval, actor=request.user),
        redirect_to=reverse("approvals:offers", kwargs={"pk": pk}),
        success=lambda again: (
            f"Asked again: {money(again.total_weekly)} a week, for the "
            f"{again.get_required_role_display().lower()}."
        ),
    )


def _in_force_from(day: dt.date) -> dt.datetime:
    """The start of the day in London; today's bands come into force now."""
    if day == timezone.localdate():
        return timezone.now()
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


@capability_required(Capability.MANAGE_COST_BANDS)
@require_http_methods(["GET", "POST"])
def bands(request):
    current = bands_in_force()
    form = CostBandsForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: services.bands_set(
            bands=data["bands"],
            in_force_from=_in_force_from(data["in_force_from"]),
            note=data["note"],
            actor=request.user,
        ),
        redirect_to="approvals:bands",
        success="New cost bands saved.",
    ):
        return done
    versions = CostBandVersion.objects.prefetch_related("bands").select_related("created_by")
    return render(
        request,
        "approvals/costs/bands.html",
        {
            "current": current,
            "current_ranges": band_ranges(current),
            "versions": [(version, band_ranges(version)) for version in versions[:20]],
            "form": form,
            "now": timezone.now(),
        },
    )
