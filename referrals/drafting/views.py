"""The social worker's pages for a referral as a whole: starting it, submitting it (or
sending it back to brokerage with changes) and withdrawing it. The sections' pages are
in sections.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import run_action, submit_form
from placements.permissions import Capability, capability_required, is_brokerage
from referrals import selectors
from referrals.brokerage.forms import QAAnswerForm
from referrals.brokerage.selectors import open_qa_round
from referrals.drafting import services as drafting
from referrals.drafting.completeness import referral_missing_answers
from referrals.drafting.forms import WithdrawForm
from referrals.drafting.sections import editable_referral
from referrals.models import Referral
from referrals.workflow import referral_can_move


def _referral_to_withdraw(user, pk):
    """The social worker's side (their team) or brokerage may withdraw a referral."""
    if is_brokerage(user):
        return selectors.get_referral_for_user(user=user, pk=pk)
    return selectors.get_referral_for_social_worker(user=user, pk=pk)


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def submit(request, referral):
    answering = referral.status == Referral.Status.QA_RETURNED
    form = QAAnswerForm(request.POST or None) if answering else None
    # Completeness is checked here, and only here: each missing answer is named, with a
    # link to where it is given. The submit service checks it again, under its lock.
    missing = referral_missing_answers(referral)
    if request.method == "POST" and missing:
        return render(
            request,
            "referrals/check_answers.html",
            {"referral": referral, "missing": missing, "refused": True},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        response = form.cleaned_data["response"] if form else ""
        referral_page = reverse("referrals:detail", kwargs={"pk": referral.pk})
        # A first submission goes to its confirmation by a redirect, so refreshing it
        # does not send the form again.
        return run_action(
            request,
            lambda: drafting.referral_submit(
                referral=referral, actor=request.user, response=response
            ),
            redirect_to=referral_page
            if answering
            else reverse("referrals:submitted", kwargs={"pk": referral.pk}),
            success="Sent back to brokerage with your changes." if answering else "",
            refused_to=referral_page,
        )
    return render(
        request,
        "referrals/check_answers.html",
        {
            "referral": referral,
            "form": form,
            "qa_round": open_qa_round(referral),
            "missing": missing,
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_GET
def submitted(request, pk):
    referral = selectors.get_referral_for_user(user=request.user, pk=pk)
    if referral.status != Referral.Status.SUBMITTED:
        return redirect("referrals:detail", pk=referral.pk)
    endorsers = selectors.referral_endorsers(referral)
    return render(
        request,
        "referrals/submitted.html",
        {
            "referral": referral,
            "endorsers": endorsers.people,
            "by_service_lead": endorsers.service_leads_instead,
        },
    )


@capability_required(Capability.VIEW_REFERRALS)
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    referral = _referral_to_withdraw(request.user, pk)
    if not referral_can_move(referral, Referral.Status.WITHDRAWN):
        messages.info(request, "This referral has already been withdrawn.")
        return redirect("referrals:detail", pk=referral.pk)
    form = WithdrawForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: drafting.referral_withdraw(
            referral=referral, reason=data["reason"], actor=request.user
        ),
        redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success="The referral has been withdrawn.",
    ):
        return done
    return render(request, "referrals/withdraw.html", {"referral": referral, "form": form})
