"""PDFs of the case record, rendered by WeasyPrint from templates."""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from placements.models import CouncilSettings
from referrals.models import Referral


def chronology_pdf(*, referral: Referral, requested_by) -> bytes:
    """The referral's chronology for the child's file: every entry, oldest first, with
    the reference and page numbers on each page."""
    html = render_to_string(
        "referrals/chronology_pdf.html",
        {
            "referral": referral,
            "entries": referral.chronology.all(),
            "council": CouncilSettings.load(),
            "requested_by": requested_by,
            "generated_at": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def pack_pdf(*, resource_request) -> bytes:
    """The anonymised pack as providers read it. Built only from the stored pack, which
    holds no names, dates of birth, addresses or schools."""
    html = render_to_string(
        "referrals/pack_pdf.html",
        {
            "pack": resource_request,
            "content": resource_request.content,
            "council": CouncilSettings.load(),
        },
    )
    return HTML(string=html).write_pdf()
