"""The social worker's pages for Part A of a package referral: choosing what is asked
for, the dates, current support and approval, each service's section, and the rows of
the weekly tables."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from placements.actions import submit_form
from placements.models import CouncilSettings
from placements.permissions import Capability, capability_required
from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.drafting.sections import editable_referral, saved_message, section_page
from referrals.models import Service, package_of
from referrals.packages import services as packages
from referrals.packages.forms import (
    HomeCareForm,
    PackageForm,
    ServiceForm,
    ShortBreakForm,
    SlotForm,
    SummerSchemeForm,
)
from referrals.packages.schedule import tables, when_text
from referrals.packages.summer import scheme_dates, summer_handling


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
def referral_start(request):
    """What the new referral asks for, then its task list."""
    form = ServiceForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: drafting.referral_start(social_worker=request.user, service=data["service"]),
        redirect_to=lambda referral: reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success="",
    ):
        return done
    return render(request, "referrals/packages/start.html", {"form": form})


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
def service_change(request, referral):
    form = ServiceForm(
        request.POST if request.method == "POST" else None, initial={"service": referral.service}
    )
    if done := submit_form(
        request,
        form,
        lambda data: packages.referral_service_set(
            referral=referral, service=data["service"], actor=request.user
        ),
        redirect_to=reverse("referrals:detail", kwargs={"pk": referral.pk}),
        success="Saved. The sections to complete follow what the referral asks for.",
    ):
        return done
    return render(request, "referrals/packages/start.html", {"form": form, "referral": referral})


def _package_referral(view):
    """A package section's page: a placement referral has none."""

    def page(request, referral, *args, **kwargs):
        if not referral.is_package:
            messages.error(request, "This referral asks for a placement, not a package of support.")
            return redirect("referrals:detail", pk=referral.pk)
        return view(request, referral, *args, **kwargs)

    return page


def _package_section(request, referral, form, key: str, **context):
    """A section kept in the package's details: the answers that pass are saved, the
    others shown with why."""
    if request.method == "POST":
        answers = form.answers_to_save()
        if answers:
            try:
                packages.package_update(referral=referral, values=answers, actor=request.user)
            except DomainError as error:
                form.add_error(None, str(error))
        if not form.errors:
            # "Add a day and time" and the summer scheme save what was typed, then go on.
            then = request.POST.get("then", "")
            if then == "slot" and key in Service.values:
                return redirect("referrals:slot-add", pk=referral.pk, service=key)
            if then == "summer" and key == Service.SHORT_BREAK:
                return redirect("referrals:summer-add", pk=referral.pk)
            messages.success(request, saved_message(referral, key))
            return redirect("referrals:detail", pk=referral.pk)
    return section_page(
        request,
        referral,
        form,
        key,
        saved_others=request.method == "POST" and not form.non_field_errors(),
        started=package_of(referral).pk is not None,
        **context,
    )


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
@_package_referral
def package(request, referral):
    form = PackageForm(request.POST or None, instance=package_of(referral), referral=referral)
    return _package_section(
        request, referral, form, "package", title="Dates, current support and approval"
    )


def _service_page(request, referral, *, form_class, key: str, service: str, title: str, **context):
    form = form_class(request.POST or None, instance=package_of(referral))
    return _package_section(
        request,
        referral,
        form,
        key,
        title=title,
        service=service,
        **context,
        tables=tables(referral.schedule.all(), service=service),
        template="referrals/packages/service_form.html",
    )


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
@_package_referral
def short_breaks(request, referral):
    if not referral.wants_short_break:
        return redirect("referrals:detail", pk=referral.pk)
    return _service_page(
        request,
        referral,
        form_class=ShortBreakForm,
        key="short_break",
        service=Service.SHORT_BREAK,
        title="Short breaks (specialist play and leisure)",
        summer_requests=referral.summer_requests.select_related("child"),
    )


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
@_package_referral
def home_care(request, referral):
    if not referral.wants_home_care:
        return redirect("referrals:detail", pk=referral.pk)
    return _service_page(
        request,
        referral,
        form_class=HomeCareForm,
        key="home_care",
        service=Service.HOME_CARE,
        title="Home care (domiciliary care)",
    )


SERVICE_PAGES = {
    Service.SHORT_BREAK: "referrals:short-breaks",
    Service.HOME_CARE: "referrals:home-care",
}


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
@_package_referral
def slot_edit(request, referral, service=None, slot_pk=None):
    slot = get_object_or_404(referral.schedule.all(), pk=slot_pk) if slot_pk else None
    service = slot.service if slot else service
    if service not in Service.values:
        return redirect("referrals:detail", pk=referral.pk)
    initial = {}
    if slot:
        initial = {name: getattr(slot, name) for name in packages.SLOT_FIELDS}
        initial["hours"] = f"{slot.hours.normalize():f}"
    form = SlotForm(
        request.POST if request.method == "POST" else None, initial=initial, service=service
    )
    back = reverse(SERVICE_PAGES[service], kwargs={"pk": referral.pk})
    if done := submit_form(
        request,
        form,
        lambda data: packages.slot_save(
            referral=referral,
            values={**data, "service": service},
            slot=slot,
            actor=request.user,
        ),
        redirect_to=back,
        success=lambda saved: f"Saved: {saved.get_day_display()}, {when_text(saved)}.",
        # An overlap is about the times.
        error_field="starts",
    ):
        return done
    return render(
        request,
        "referrals/packages/slot_form.html",
        {
            "referral": referral,
            "form": form,
            "slot": slot,
            "service_label": Service(service).label,
            "back": back,
        },
    )


@capability_required(Capability.START_REFERRAL)
@require_POST
@editable_referral
@_package_referral
def slot_remove(request, referral, slot_pk):
    slot = get_object_or_404(referral.schedule.all(), pk=slot_pk)
    packages.slot_remove(referral=referral, slot=slot, actor=request.user)
    messages.success(request, f"Removed: {slot.get_day_display()}, {when_text(slot)}.")
    return redirect(SERVICE_PAGES[slot.service], pk=referral.pk)


@capability_required(Capability.START_REFERRAL)
@require_http_methods(["GET", "POST"])
@editable_referral
@_package_referral
def summer_edit(request, referral, summer_pk=None):
    """Annex 1: a summer play scheme place for one child."""
    if not referral.wants_short_break:
        return redirect("referrals:detail", pk=referral.pk)
    summer = get_object_or_404(referral.summer_requests.all(), pk=summer_pk) if summer_pk else None
    initial = {"year": timezone.localdate().year + (timezone.localdate().month > 8)}
    if summer:
        initial = {name: getattr(summer, name) for name in packages.SUMMER_FIELDS}
    form = SummerSchemeForm(
        request.POST if request.method == "POST" else None, initial=initial, referral=referral
    )
    council = CouncilSettings.for_request(request)
    if done := submit_form(
        request,
        form,
        lambda data: packages.summer_request_save(
            referral=referral, values=data, summer=summer, actor=request.user
        ),
        redirect_to=reverse("referrals:short-breaks", kwargs={"pk": referral.pk}),
        success=lambda saved: (
            f"Summer {saved.year} saved. "
            + summer_handling(
                year=saved.year, case=saved.case, on=timezone.localdate(), council=council
            )
            + "."
        ),
    ):
        return done
    return render(
        request,
        "referrals/packages/summer_form.html",
        {
            "referral": referral,
            "form": form,
            "summer": summer,
            "council": council,
            # The council's dates, in any year: "1 March", "15 June".
            "dates": scheme_dates(timezone.localdate().year, council),
        },
    )


@capability_required(Capability.START_REFERRAL)
@require_POST
@editable_referral
@_package_referral
def summer_remove(request, referral, summer_pk):
    summer = get_object_or_404(referral.summer_requests.all(), pk=summer_pk)
    packages.summer_request_remove(referral=referral, summer=summer, actor=request.user)
    messages.success(request, f"Removed: {summer}.")
    return redirect("referrals:short-breaks", pk=referral.pk)
