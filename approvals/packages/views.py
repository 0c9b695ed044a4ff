"""Brokerage's page for awarding a package: the providers' answers side by side, with
the hours each covers and what each kind of week costs, and the award."""

from decimal import Decimal

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required
from referrals.models import CoveredSlot, Service
from referrals.packages.schedule import tables
from referrals.selectors import get_referral_for_user

from ..offers.models import Shortlist
from ..placement.models import Placement
from .forms import AwardForm, VariationForm
from .selectors import service_answers
from .services import AWARDABLE_STAGES, package_award
from .variations import package_vary


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


@capability_required(Capability.WORK_ACTION_LIST)
@require_http_methods(["GET", "POST"])
def vary(request, pk, placement_pk):
    """Record a change to a package in place; the provider gets a new version to sign."""
    referral = get_referral_for_user(user=request.user, pk=pk)
    placement = get_object_or_404(
        Placement.objects.select_related("provider", "response"),
        referral=referral,
        pk=placement_pk,
        service__gt="",
    )
    covered = set(
        CoveredSlot.objects.filter(answer=placement.response).values_list("slot_id", flat=True)
    ) - set(placement.dropped_slots)
    rows = [
        (slot, Decimal(placement.varied_hours.get(str(slot.pk), slot.hours)))
        for slot in referral.schedule.filter(service=placement.service, pk__in=covered)
    ]
    form = VariationForm(request.POST if request.method == "POST" else None, rows=rows)
    back = reverse("approvals:placement", kwargs={"pk": pk}) + f"?part={placement.pk}"

    def record(data):
        hours, dropped = form.changes()
        return package_vary(
            placement=placement,
            kind=data["kind"],
            reason=data["reason"],
            effective_from=data["effective_from"],
            panel_date=data["panel_date"],
            end_date=data["end_date"],
            hours=hours,
            dropped=dropped,
            actor=request.user,
        )

    if done := submit_form(
        request,
        form,
        record,
        redirect_to=back,
        success=lambda variation: (
            f"Change recorded. Version {variation.agreement.version} of the agreement has "
            f"been sent to {placement.provider} to sign."
        ),
    ):
        return done
    return render(
        request,
        "approvals/packages/vary.html",
        {"referral": referral, "placement": placement, "form": form, "back": back},
    )
