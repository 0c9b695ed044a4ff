from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from placements.permissions import Capability, capability_required, user_can
from referrals import selectors
from referrals.brokerage.forms import NoteForm
from referrals.brokerage.selectors import open_qa_round
from referrals.drafting.completeness import missing_summary, section_missing, sections_for
from referrals.inhouse import siblings
from referrals.models import CarerMatch, Referral
from referrals.pdf import chronology_pdf as render_chronology_pdf
from referrals.registry import list_panels, page_extras
from referrals.search import selectors as search_selectors
from referrals.workflow import (
    is_social_worker_side,
    referral_needs_agreement_evidence,
    user_may_accept_emergency,
    user_may_approve_search,
    user_may_edit,
    user_may_endorse,
    user_may_qa,
    user_may_return_for_changes,
    user_may_withdraw,
)


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def referral_list(request):
    status = request.GET.get("status", "open")
    referrals = selectors.referral_list_for_user(request.user, status=status)
    page = Paginator(referrals, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/referral_list.html",
        {
            "waiting": list(selectors.referrals_waiting_for(request.user)[:50]),
            "page": page,
            "querystring_without_page": f"status={status}",
            "status": status,
            "statuses": Referral.Status.choices,
            "can_start": user_can(request.user, Capability.START_REFERRAL),
            "panels": list_panels("referral-list", request.user),
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def referral_detail(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    can_edit = user_may_edit(request.user, referral)
    may_endorse = user_may_endorse(request.user, referral)
    missing = section_missing(referral)
    form_sections = sections_for(referral)
    sections = [
        {
            "section": s,
            "still_needed": missing_summary(missing[s.key], brief=True),
            "complete": not missing[s.key],
        }
        for s in form_sections
    ]
    complete_count = sum(1 for s in form_sections if not missing[s.key] and not s.optional)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "can_edit": can_edit,
            "sections": sections,
            "complete_count": complete_count,
            "required_count": sum(1 for s in form_sections if not s.optional),
            "can_withdraw": user_may_withdraw(request.user, referral),
            "latest_return": _latest_return(referral),
            "qa_round": open_qa_round(referral)
            if referral.status == Referral.Status.QA_RETURNED
            else None,
            "may_qa": user_may_qa(request.user, referral),
            "may_accept_emergency": user_may_accept_emergency(request.user, referral),
            "may_pack": user_can(request.user, Capability.WORK_ACTION_LIST)
            and referral.status in (Referral.Status.APPROVED, Referral.Status.ACCEPTED),
            "note_form": NoteForm()
            if user_can(request.user, Capability.WORK_ACTION_LIST)
            and referral.status not in (Referral.Status.DRAFT, Referral.Status.WITHDRAWN)
            else None,
            "may_endorse": may_endorse,
            "may_return": user_may_return_for_changes(request.user, referral),
            "may_decide": may_endorse or user_may_approve_search(request.user, referral),
            "may_record": user_can(request.user, Capability.RECORD_SEARCH_EVIDENCE)
            and referral.status not in (Referral.Status.DRAFT, Referral.Status.WITHDRAWN),
            "needs_evidence": referral_needs_agreement_evidence(referral),
            "alerts": referral.alerts.filter(dealt_with_at__isnull=True).select_related("provider")
            if user_can(request.user, Capability.WORK_ACTION_LIST)
            else [],
            **_search_context(request.user, referral),
            **_choice_context(request.user, referral),
            **_in_house_context(referral),
        },
    )


def _in_house_context(referral) -> dict:
    """Carers being matched with the child, and whether siblings are to be placed apart
    (asked only of a referral for two or more children)."""
    if referral.status in (Referral.Status.DRAFT, Referral.Status.WITHDRAWN):
        return {}
    context: dict[str, Any] = {
        "matches": CarerMatch.objects.filter(enquiry__search_round__referral=referral)
        .select_related("enquiry__carer")
        .order_by("-started_at"),
    }
    if referral.is_sibling_group:
        splits = list(referral.sibling_splits.all())
        state = [s for s in splits if s.status in siblings.OPEN] or [
            s for s in splits if s.status == s.Status.AGREED
        ]
        context["siblings_shown"] = referral.status in siblings.SEARCHING or bool(splits)
        context["siblings_state"] = state[-1] if state else None
    return context


def _choice_context(user, referral) -> dict:
    """Where the referral stands after the search: its stage, set by the approvals app's
    steps, and what the later apps registered for the page (referrals.registry)."""
    if referral.status not in (Referral.Status.ACCEPTED, Referral.Status.PLACED):
        return {}
    Stage = Referral.Stage
    return {
        "options_waiting": is_social_worker_side(user, referral)
        and referral.stage == Stage.OPTIONS,
        "placement_step": referral.stage in (Stage.CONFIRMING, Stage.AGREEMENT, Stage.PLACED),
        **page_extras("referral", user, referral),
    }


def _search_context(user, referral) -> dict:
    """Brokerage sees the rounds and the offers standing on the referral itself."""
    if (
        not user_can(user, Capability.WORK_ACTION_LIST)
        or referral.status != Referral.Status.ACCEPTED
    ):
        return {}
    return {
        "search_rounds": list(search_selectors.referral_rounds(referral)),
        "offers": search_selectors.referral_offers(referral),
    }


def _latest_return(referral):
    """The decision that sent it back, while it is back with the social worker."""
    if referral.status != Referral.Status.RETURNED:
        return None
    returns = [d for d in referral.search_decisions.all() if d.outcome == "returned"]
    return returns[-1] if returns else None


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def chronology_pdf(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    pdf = render_chronology_pdf(referral=referral, requested_by=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = referral.reference or f"draft-{referral.pk}"
    response["Content-Disposition"] = f'attachment; filename="chronology-{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
