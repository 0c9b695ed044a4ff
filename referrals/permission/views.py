"""Permission to search: the team manager's and service lead's decision, and the
evidence, funding approval and comments brokerage or managers record."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.permissions import Capability, capability_required, is_service_lead, is_team_manager
from referrals.permission import services
from referrals.permission.forms import (
    AGREE,
    AgreementEvidenceForm,
    ExternalCommentForm,
    FundingApprovalForm,
    SearchDecisionForm,
)
from referrals.selectors import get_referral_for_user
from referrals.workflow import (
    referral_needs_agreement_evidence,
    user_may_approve_search,
    user_may_endorse,
    user_may_return_for_changes,
)


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def search_decision(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    endorsing = user_may_endorse(request.user, referral)
    if not endorsing and not user_may_approve_search(request.user, referral):
        if is_team_manager(request.user) or is_service_lead(request.user):
            # They can see it, but it has moved on (perhaps someone else just decided).
            messages.info(request, "This referral is not waiting for your decision now.")
            return redirect("referrals:detail", pk=referral.pk)
        raise Http404
    agree = services.search_endorse if endorsing else services.search_approve
    form = SearchDecisionForm(
        request.POST or None,
        agree_label="Endorse the referral" if endorsing else "Approve the search",
        allow_return=user_may_return_for_changes(request.user, referral),
    )

    def decide(data):
        action = agree if data["decision"] == AGREE else services.search_return
        return action(referral=referral, actor=request.user, comments=data["comments"])

    if done := submit_form(
        request,
        form,
        decide,
        redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success="Your decision has been recorded.",
    ):
        return done
    return render(
        request,
        "referrals/permission/search_decision.html",
        {
            "referral": referral,
            "form": form,
            "endorsing": endorsing,
            "evidence_missing": not endorsing
            and referral_needs_agreement_evidence(referral)
            and not referral.agreement_evidence.exists(),
        },
    )


def _record(request, pk, *, form_class, action, title, intro, fields):
    referral = get_referral_for_user(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: action(
            referral=referral, actor=request.user, **{name: data[name] for name in fields}
        ),
        redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success=f"{title} recorded.",
    ):
        return done
    return render(
        request,
        "referrals/permission/record.html",
        {"referral": referral, "form": form, "title": title, "intro": intro},
    )


@capability_required(Capability.RECORD_SEARCH_EVIDENCE)
@require_http_methods(["GET", "POST"])
def agreement_evidence(request, pk):
    return _record(
        request,
        pk,
        form_class=AgreementEvidenceForm,
        action=services.agreement_evidence_record,
        title="Evidence of agreement",
        intro="Where education or therapy is asked for, record who agreed it "
        "before the service lead approves the search.",
        fields=["source", "agreed_by", "agreed_on"],
    )


@capability_required(Capability.RECORD_SEARCH_EVIDENCE)
@require_http_methods(["GET", "POST"])
def funding_approval(request, pk):
    return _record(
        request,
        pk,
        form_class=FundingApprovalForm,
        action=services.funding_approval_record,
        title="Funding approval",
        intro="An external search needs a funding approval. Record who approved "
        "it and the weekly amount.",
        fields=["approved_by", "weekly_amount", "approved_on"],
    )


@capability_required(Capability.RECORD_SEARCH_EVIDENCE)
@require_http_methods(["GET", "POST"])
def external_comment(request, pk):
    return _record(
        request,
        pk,
        form_class=ExternalCommentForm,
        action=services.external_comment_record,
        title="Comment",
        intro="Record a comment from the child's independent reviewing officer "
        "or the Virtual School.",
        fields=["source", "name", "comment"],
    )
