import django_filters
from django import forms
from django.db.models import Q

from placements.models import CouncilSettings

from .models import (
    Category,
    FrameworkStatus,
    OfstedRating,
    Provider,
    ProviderType,
    Specialism,
    Tier,
    cleared_to_place_q,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class ProviderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label="Name, reference, URN or email")
    status = django_filters.ChoiceFilter(
        choices=[("active", "Active"), ("archived", "Archived"), ("all", "All")],
        method="filter_status",
        label="Status",
        empty_label=None,
    )
    provider_type = django_filters.MultipleChoiceFilter(
        choices=ProviderType.choices, widget=forms.CheckboxSelectMultiple, label="Type"
    )
    tier = django_filters.MultipleChoiceFilter(
        choices=Tier.choices, widget=forms.CheckboxSelectMultiple, label="Tier"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        method="filter_category",
        label="Category",
        empty_label="Any category",
    )
    framework_status = django_filters.ChoiceFilter(
        choices=FrameworkStatus.choices,
        method="filter_framework",
        label="Framework status",
        empty_label="Any status",
    )
    specialism = django_filters.ModelChoiceFilter(
        queryset=Specialism.objects.filter(is_active=True),
        field_name="specialisms",
        label="Specialism",
        empty_label="Any specialism",
    )
    ofsted_rating = django_filters.MultipleChoiceFilter(
        choices=OfstedRating.choices, widget=forms.CheckboxSelectMultiple, label="Ofsted rating"
    )
    cleared = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_cleared", label="Cleared to place", empty_label="Either"
    )
    has_vacancy = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_vacancy", label="Has a vacancy", empty_label="Either"
    )

    class Meta:
        model = Provider
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "active")
        super().__init__(data, *args, **kwargs)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(reference__iexact=value)
            | Q(ofsted_urn__iexact=value)
            | Q(referral_emails__icontains=value)
        )

    def filter_category(self, queryset, name, value):
        status = self.data.get("framework_status")
        lookup = {"provider_categories__category": value}
        if status in FrameworkStatus.values:
            lookup["provider_categories__framework_status"] = status
        return queryset.filter(**lookup).distinct()

    def filter_framework(self, queryset, name, value):
        if self.data.get("category"):
            return queryset  # applied together with the category
        return queryset.filter(provider_categories__framework_status=value).distinct()

    def filter_cleared(self, queryset, name, value):
        council = CouncilSettings.for_request(self.request) if self.request else None
        months = (council or CouncilSettings.load()).qa_visit_valid_months
        q = cleared_to_place_q(valid_months=months)
        return queryset.filter(q) if value == "yes" else queryset.exclude(q)

    def filter_vacancy(self, queryset, name, value):
        return queryset.filter(vacancies__gt=0) if value == "yes" else queryset.filter(vacancies=0)

    def filter_status(self, queryset, name, value):
        if value == "archived":
            return queryset.filter(is_archived=True)
        if value == "all":
            return queryset
        return queryset.filter(is_archived=False)
