"""What a provider's account reads, always through the organisation signed in: a setting,
document, request or agreement of another organisation is not found (404)."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from approvals.invoices.models import Invoice
from approvals.placement.models import Placement, PlacementAgreement
from providers.models import (
    Organisation,
    Provider,
    ProviderChangeRequest,
    ProviderDocument,
    Vacancy,
)
from referrals.models import ProviderRequest
from referrals.workflow import Status

from .session import Account


def settings_of(organisation: Organisation) -> QuerySet[Provider]:
    """The organisation's settings in the directory, with what its home page shows."""
    return (
        organisation.settings.filter(is_archived=False)
        .prefetch_related(
            Prefetch("declared", queryset=Vacancy.objects.select_related("category")),
            Prefetch(
                "documents",
                queryset=ProviderDocument.objects.filter(replaced_at__isnull=True),
            ),
            Prefetch(
                "change_requests",
                queryset=ProviderChangeRequest.objects.filter(
                    status=ProviderChangeRequest.Status.PENDING
                ),
                to_attr="pending_changes",
            ),
            Prefetch(
                "change_requests",
                queryset=ProviderChangeRequest.objects.filter(
                    status__in=[
                        ProviderChangeRequest.Status.APPROVED,
                        ProviderChangeRequest.Status.REFUSED,
                    ]
                ).order_by("-decided_at"),
                to_attr="decided_changes",
            ),
        )
        .order_by("name")
    )


def get_setting(account: Account, pk: int) -> Provider:
    return get_object_or_404(settings_of(account.organisation), pk=pk)


def get_document(account: Account, pk: int) -> ProviderDocument:
    return get_object_or_404(
        ProviderDocument.objects.select_related("provider"),
        pk=pk,
        provider__organisation=account.organisation,
        provider__is_archived=False,
    )


def requests_of(account: Account) -> QuerySet[ProviderRequest]:
    """Every request sent to the organisation's settings, newest first, with its answers."""
    return (
        ProviderRequest.objects.filter(
            provider__organisation=account.organisation, round__sent_at__isnull=False
        )
        .select_related("provider", "round__referral", "round__category")
        .prefetch_related("answers")
        .order_by("-round__sent_at", "-pk")
    )


def agreements_of(account: Account) -> QuerySet[PlacementAgreement]:
    """The agreements the organisation's settings signed and that stand: not replaced by
    a later version, their referral not withdrawn."""
    return (
        PlacementAgreement.objects.filter(
            placement__provider__organisation=account.organisation,
            signed_at__isnull=False,
            status__in=[PlacementAgreement.Status.SIGNED, PlacementAgreement.Status.COUNTERSIGNED],
        )
        .exclude(placement__referral__status=Status.WITHDRAWN)
        .select_related("placement__provider", "placement__referral")
        .order_by("-signed_at")
    )


def get_agreement(account: Account, pk: int) -> PlacementAgreement:
    agreement = get_object_or_404(agreements_of(account), pk=pk)
    if not agreement.final_pdf:
        raise Http404
    return agreement


def invoiceable_of(account: Account) -> QuerySet[Placement]:
    """The placements and package parts the organisation's settings may invoice for:
    countersigned at least once, their referral not withdrawn, not the council's own."""
    return (
        Placement.objects.filter(
            provider__organisation=account.organisation,
            placed_at__isnull=False,
        )
        .exclude(referral__status=Status.WITHDRAWN)
        .exclude(is_in_house=True)
        .select_related("provider", "referral")
        .order_by("-start_date", "-pk")
    )


def get_invoiceable(account: Account, pk: int) -> Placement:
    return get_object_or_404(invoiceable_of(account), pk=pk)


def invoices_of(account: Account) -> QuerySet[Invoice]:
    """Every invoice for the organisation's placements, however it came, newest first."""
    return (
        Invoice.objects.filter(placement__provider__organisation=account.organisation)
        .select_related("placement__provider", "placement__referral")
        .order_by("-recorded_at", "-pk")
    )


def get_invoice(account: Account, pk: int) -> Invoice:
    return get_object_or_404(invoices_of(account).prefetch_related("lines"), pk=pk)
