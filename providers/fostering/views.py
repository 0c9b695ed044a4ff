"""The fostering service's pages: its carers, each household's approval, the children
living with it and its room."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from placements.actions import posted_pk, run_action, submit_form
from placements.permissions import Capability, capability_required
from placements.selectors import history_rows

from . import selectors, services
from .forms import CarerChildForm, CarerForm, CarerVacancyForm
from .models import CarerChild, CarerVacancy, CareType


@capability_required(Capability.MANAGE_CARERS)
@require_GET
def carers(request):
    care_type = request.GET.get("care_type", "")
    care_type = care_type if care_type in CareType.values else ""
    age_text = request.GET.get("age", "").strip()
    age = int(age_text) if age_text.isdigit() and int(age_text) <= 25 else None
    with_room = request.GET.get("room") == "yes"
    listed = selectors.carers_listed(care_type=care_type, age=age, with_room=with_room)
    page = Paginator(listed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "fostering/carers.html",
        {
            "page": page,
            "care_types": CareType.choices,
            "care_type": care_type,
            "age": age_text if age is not None else "",
            "with_room": with_room,
            "room": {carer.pk: services.room_for(carer) for carer in page},
        },
    )


@capability_required(Capability.MANAGE_CARERS)
@require_http_methods(["GET", "POST"])
def carer_edit(request, pk=None):
    carer = selectors.get_carer_for_user(user=request.user, pk=pk) if pk else None
    form = CarerForm(request.POST if request.method == "POST" else None, instance=carer)
    if done := submit_form(
        request,
        form,
        lambda data: services.carer_save(
            values=data, care_types=data["care_types"], actor=request.user, carer=carer
        ),
        redirect_to=lambda saved: reverse("fostering:carer", kwargs={"pk": saved.pk}),
        success=lambda saved: f"{saved.reference} is saved.",
    ):
        return done
    return render(request, "fostering/carer_form.html", {"form": form, "carer": carer})


@capability_required(Capability.MANAGE_CARERS)
@require_http_methods(["GET", "POST"])
def carer(request, pk):
    carer = selectors.get_carer_for_user(user=request.user, pk=pk)
    page = reverse("fostering:carer", kwargs={"pk": carer.pk})
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "remove_room":
        vacancy = get_object_or_404(CarerVacancy, pk=posted_pk(request, "vacancy"), carer=carer)
        return run_action(
            request,
            lambda: services.vacancy_remove(vacancy=vacancy, actor=request.user),
            redirect_to=page,
            success="The room is taken off.",
        )
    if action == "left":
        child = get_object_or_404(CarerChild, pk=posted_pk(request, "child"), carer=carer)
        return run_action(
            request,
            lambda: services.child_leave(
                child=child, left_on=timezone.localdate(), actor=request.user
            ),
            redirect_to=page,
            success=f"{child.initials} is recorded as having left today.",
        )
    child_form = CarerChildForm(request.POST if action == "child" else None, prefix="child")
    room_form = CarerVacancyForm(
        request.POST if action == "room" else None, prefix="room", carer=carer
    )
    if action == "child" and (
        done := submit_form(
            request,
            child_form,
            lambda data: services.child_add(carer=carer, values=data, actor=request.user),
            redirect_to=page,
            success="The child is added.",
        )
    ):
        return done
    if action == "room" and (
        done := submit_form(
            request,
            room_form,
            lambda data: services.vacancy_add(
                carer=carer,
                places=data["places"],
                available_from=data["available_from"],
                care_types=data["care_types"],
                actor=request.user,
            ),
            redirect_to=page,
            success="The room is recorded.",
            error_field="places",
        )
    ):
        return done
    return render(
        request,
        "fostering/carer.html",
        {
            "carer": carer,
            "children": services.children_now(carer),
            "room": services.room_for(carer),
            "vacancies": list(carer.vacancies.all()),
            "child_form": child_form,
            "room_form": room_form,
            "history": history_rows(carer),
        },
    )
