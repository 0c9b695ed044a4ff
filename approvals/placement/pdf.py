"""The individual placement agreement (IPA) as a PDF, rendered by WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from placements.models import CouncilSettings

from .models import Placement, PlacementAgreement


def agreement_pdf(
    *, placement: Placement, version: int, agreement: PlacementAgreement | None = None
) -> bytes:
    """The agreed terms for the provider to sign: the child by reference and initials
    only. With `agreement`, the signatures it carries are printed too."""
    referral = placement.referral
    html = render_to_string(
        "approvals/placement/agreement_pdf.html",
        {
            "placement": placement,
            "referral": referral,
            "children": list(referral.children.all()),
            "version": version,
            "agreement": agreement,
            "council": CouncilSettings.load(),
            "generated_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()
