"""What the council's administrators see of provider accounts that lives with them:
the log of an organisation's sign-ins."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from placements.permissions import Capability, capability_required
from providers.models import Organisation

from .models import SignIn


@capability_required(Capability.MANAGE_PROVIDERS)
@require_GET
def sign_ins(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    return render(
        request,
        "portal/sign_ins.html",
        {
            "organisation": organisation,
            "sign_ins": SignIn.objects.filter(organisation=organisation)[:200],
        },
    )
