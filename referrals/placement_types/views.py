"""The administrator's page for the kinds of placement."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from placements.actions import submit_form
from placements.permissions import Capability, capability_required
from referrals.models import PlacementType
from referrals.placement_types import services as placement_type_services
from referrals.placement_types.forms import PlacementTypeForm


@capability_required(Capability.MANAGE_PLACEMENT_TYPES)
@require_http_methods(["GET", "POST"])
def placement_types(request, type_pk=None):
    editing = get_object_or_404(PlacementType, pk=type_pk) if type_pk else None
    initial = (
        {
            "name": editing.name,
            "category": editing.category_id,
            "is_in_house": editing.is_in_house,
            "is_active": editing.is_active,
        }
        if editing
        else None
    )
    form = PlacementTypeForm(request.POST or None, initial=initial)
    if done := submit_form(
        request,
        form,
        lambda data: placement_type_services.placement_type_save(
            values=data, actor=request.user, placement_type=editing
        ),
        redirect_to="referrals:placement-types",
        success="Placement type saved.",
        error_field="name",
    ):
        return done
    return render(
        request,
        "referrals/placement_types.html",
        {
            "form": form,
            "editing": editing,
            "placement_types": PlacementType.objects.select_related("category"),
        },
    )
