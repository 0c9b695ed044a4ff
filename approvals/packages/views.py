"""Brokerage's page for awarding a package: the providers' answers side by side, with
the hours each covers and what each kind of week costs, and the award."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required
from referrals.models import Service
from referrals.packages.schedule import tables
from referrals.selectors import get_referral_for_user

from ..offers.models import Shortlist
from .forms import AwardForm
from .selectors import service_answers
from .services import AWARDABLE_STAGES, package_award


def _providers(shortlist: Shortlist) -> str:
    names = {str(option.response.request.provider) for option in shortlist.options.all()}
    return " and ".join(sorted(names))


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def award(request, pk):
    referral = get_referral_for_user(user=request.user, pk=pk)
    if not referral.is_package:
        # A placement's offers are compared and sent as options instead.
        return redirect("approvals:offers", pk=referral.pk)
    answers = {service: service_answers(referral, service) for service in referral.services_asked}
    services = [
        {
            "service": service,
            "label": Service(service).label,
            "answers": rows,
            "tables": tables(referral.schedule.all(), service=service),
        }
        for service, rows in answers.items()
    ]
    council = CouncilSettings.for_request(request)
    form = AwardForm(
        request.POST if request.method == "POST" else None,
        answers=answers,
        split=council.package_split_allowed,
    )
    awardable = referral.stage in AWARDABLE_STAGES and referral.status == "accepted"
    if done := submit_form(
        request,
        form,
        lambda data: package_award(
            referral=referral, parts=data["parts"], reason=data["reason"], actor=request.user
        ),
        redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success=lambda shortlist: (
            "Awarded to "
            + " and ".join(
                sorted(
                    {str(option.response.request.provider) for option in shortlist.options.all()}
                )
            )
            + ". The social worker and the providers have been told."
        ),
    ):
        return done
    awarded = (
        referral.shortlists.filter(status=Shortlist.Status.AWARDED)
        .select_related("decided_by")
        .prefetch_related("options__response__request__provider")
        .last()
    )
    return render(
        request,
        "approvals/packages/award.html",
        {
            "referral": referral,
            "services": services,
            "form": form,
            # Every service asked for has an answer to award.
            "awardable": awardable and all(answers.values()),
            "awarded": awarded,
        },
    )
