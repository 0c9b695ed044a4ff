"""The placements tracker: every placement, filtered, for the roles that oversee them,
and the rows its CSV and Excel downloads hold."""

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Prefetch, QuerySet

from placements.models import User
from placements.roles import Role
from providers.exporting import Cell
from providers.models import Category, Provider
from referrals.models import Child

from .models import Placement

TRACKER_VIEWERS = (
    Role.BROKERAGE_OFFICER,
    Role.DUTY_LEAD,
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.DIRECTOR,
)


EXPORT_COLUMNS = (
    "referral__reference",
    "referral__team__name",
    "provider__name",
    "is_in_house",
    "placement_type",
    "setting",
    "start_date",
    "status",
    "weekly_fee",
    "total_weekly",
    "one_off_costs",
    "service",
    "package_terms",
    "ended_on",
    "end_reason",
)


def for_export(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """Only the columns a download has: a referral's profile and the rest stay behind."""
    return (
        placements.select_related(None)
        .prefetch_related(None)
        .select_related("referral__team", "provider")
        .only(*EXPORT_COLUMNS)
        .prefetch_related(
            Prefetch(
                "referral__children",
                queryset=Child.objects.only("referral_id", "first_name", "last_name"),
            )
        )
    )


def placements_for_tracker(user: User) -> QuerySet[Placement]:
    if not user.has_role(*TRACKER_VIEWERS):
        return Placement.objects.none()
    return Placement.objects.select_related(
        "referral__placement_type", "referral__team", "provider"
    ).prefetch_related("referral__children")


class PlacementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="referral__reference", lookup_expr="icontains", label="Referral reference"
    )
    kind = django_filters.ChoiceFilter(
        choices=[
            ("placement", "Placements"),
            ("short_break", "Short breaks"),
            ("home_care", "Home care"),
        ],
        method="filter_kind",
        label="Kind",
        empty_label="Placements and packages",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Placement.Status.choices, widget=forms.CheckboxSelectMultiple, label="Status"
    )
    setting = django_filters.ChoiceFilter(
        choices=[("in_house", "In-house"), ("external", "External")],
        method="filter_setting",
        label="In-house or external",
        empty_label="Either",
    )
    provider = django_filters.ModelChoiceFilter(
        queryset=Provider.objects.order_by("name"), label="Provider", empty_label="Any provider"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        field_name="response__request__round__category",
        label="Category",
        empty_label="Any category",
    )
    start_from = django_filters.DateFilter(
        field_name="start_date",
        lookup_expr="gte",
        label="Starting on or after",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_to = django_filters.DateFilter(
        field_name="start_date",
        lookup_expr="lte",
        label="Starting on or before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Placement
        fields: list[str] = []

    def filter_kind(
        self, queryset: QuerySet[Placement], name: str, value: str
    ) -> QuerySet[Placement]:
        return queryset.filter(service="" if value == "placement" else value)

    def filter_setting(
        self, queryset: QuerySet[Placement], name: str, value: str
    ) -> QuerySet[Placement]:
        if value == "in_house":
            return queryset.filter(is_in_house=True)
        if value == "external":
            return queryset.filter(is_in_house=False)
        return queryset


# The columns of the downloads, one row per placement.
EXPORT_HEADERS = [
    "Referral",
    "Children",
    "Provider",
    "In-house",
    "Placement type",
    "Setting",
    "Start date",
    "Status",
    "Weekly fee",
    "Additional weekly",
    "Total weekly",
    "Annual",
    "One-off costs",
    "Team",
    # Added with packages of support at home, after the columns downloads had before.
    "Kind",
    "Weekly hours",
    "End date",
    "End reason (REASON_PLACE_CHANGE)",
]


def export_row(p: Placement) -> list[Cell | Decimal]:
    return [
        p.referral.reference,
        ", ".join(child.initials for child in p.referral.children.all()),
        p.provider.name,
        "Yes" if p.is_in_house else "No",
        p.placement_type,
        p.setting,
        p.start_date,
        p.get_status_display(),
        p.weekly_fee,
        p.total_weekly - p.weekly_fee,
        p.total_weekly,
        p.annual,
        p.one_off_costs,
        str(p.referral.team or ""),
        p.kind,
        p.weekly_hours if p.weekly_hours is not None else "",
        p.ended_on or "",
        p.end_reason,
    ]
