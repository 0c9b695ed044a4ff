import django_filters
from django import forms

from providers.models import Category, Provider

from .models import Placement


class PlacementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="referral__reference", lookup_expr="icontains", label="Referral reference"
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
        fields = []

    def filter_setting(self, queryset, name, value):
        if value == "in_house":
            return queryset.filter(is_in_house=True)
        if value == "external":
            return queryset.filter(is_in_house=False)
        return queryset
