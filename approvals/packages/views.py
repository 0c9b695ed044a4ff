"""Brokerage's page for awarding a package: the providers' answers side by side, with
the hours each covers and what each kind of week costs, and the award."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.permissions import Capability, capability_required
from referrals.models import ProviderAnswer, Service
from referrals.packages.schedule import tables
from referrals.selectors import get_referral_for_user

from ..offers.models import Shortlist
from .forms import AwardForm
from .selectors import service_answers
from .services import AWARDABLE_STAGES, package_award


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def award(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    if not referral.is_package:
        # A placement's offers are compared and sent as options instead.
        return redirect("approvals:offers", pk=referral.pk)
    services = [
        {
            "service": service,
            "label": Service(service).label,
            "answers": service_answers(referral, service),
            "tables": tables(referral.schedule.all(), service=service),
        }
        for service in referral.services_asked
    ]
    choices = [answer for part in services for answer in part["answers"]]
    form = AwardForm(request.POST if request.method == "POST" else None, answers=choices)
    awardable = referral.stage in AWARDABLE_STAGES and referral.status == "accepted"
    if done := submit_form(
        request,
        form,
        lambda data: package_award(
            referral=referral,
            answer=ProviderAnswer.objects.get(pk=data["answer"]),
            reason=data["reason"],
            actor=request.user,
        ),
        redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success=lambda shortlist: (
            f"Awarded to {shortlist.chosen.response.request.provider}. The social worker "
            "and the providers have been told."
        ),
        error_field="answer",
    ):
        return done
    awarded = (
        referral.shortlists.filter(status=Shortlist.Status.AWARDED)
        .select_related("chosen__response__request__provider", "decided_by")
        .last()
    )
    return render(
        request,
        "approvals/packages/award.html",
        {
            "referral": referral,
            "services": services,
            "form": form,
            "awardable": awardable and bool(choices),
            "awarded": awarded,
        },
    )
