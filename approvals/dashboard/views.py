"""The dashboard page, its filters and each figure's data as CSV."""

import datetime as dt

from django import forms
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from placements.models import User
from placements.permissions import Capability, capability_required
from placements.roles import Role
from providers.exporting import write_csv
from referrals.models import Referral

from .charts import bar_chart
from .figures import FIGURES, PACKAGE, Scope, figures_for

MONTHS_BACK = 36


def _months() -> list[dt.date]:
    day = timezone.localdate().replace(day=1)
    found = []
    for _ in range(MONTHS_BACK):
        found.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return found


class FilterForm(forms.Form):
    start = forms.ChoiceField(label="From the month")
    end = forms.ChoiceField(label="To the month")
    officer = forms.TypedChoiceField(label="Officer", coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label="Kind of request", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        months = [(m.isoformat(), f"{m:%B %Y}") for m in _months()]
        for name in ("start", "end"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = months
        officers = User.objects.filter(
            role_assignments__role__in=[Role.BROKERAGE_OFFICER, Role.DUTY_LEAD]
        ).order_by("full_name")
        officer = self.fields["officer"]
        assert isinstance(officer, forms.TypedChoiceField)
        officer.choices = [
            ("", "Every officer"),
            *((u.pk, u.full_name) for u in officers.distinct()),
        ]
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [
            ("", "Every kind"),
            *Referral.Kind.choices,
            (PACKAGE, "A package of support at home"),
        ]

    def scope(self) -> Scope:
        """What was asked for, field by field: a value not offered keeps its default."""
        months = _months()
        last_month, first_month = months[0], months[11]
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("start"):
            first_month = dt.date.fromisoformat(data["start"])
        if data.get("end"):
            last_month = dt.date.fromisoformat(data["end"])
        officer, kind = data.get("officer"), data.get("kind") or ""
        if last_month < first_month:
            first_month, last_month = last_month, first_month
        last = (last_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Scope(first=first_month, last=last, officer_id=officer, kind=kind)


@capability_required(Capability.VIEW_DASHBOARD)
@require_GET
def dashboard(request):
    scope = FilterForm(request.GET or None).scope()
    # The filters as applied (a value not offered shows its default, as it was used).
    form = FilterForm(
        initial={
            "start": scope.first.isoformat(),
            "end": scope.last.replace(day=1).isoformat(),
            "officer": scope.officer_id or "",
            "kind": scope.kind,
        }
    )
    wanted = request.GET.get("figure", "")
    if request.GET.get("format") == "csv":
        # Only the figure asked for is worked out (its key is its function's name).
        make = next((f for f in FIGURES if f.__name__.replace("_", "-") == wanted), None)
        if make is None:
            raise Http404
        figure = make(scope)
        response = HttpResponse(
            write_csv(([label, value] for label, value in figure.rows), headers=figure.columns),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{figure.key}.csv"'
        return response
    figures = figures_for(scope)
    shown = [
        {
            "figure": figure,
            "chart": mark_safe(  # noqa: S308 - built from escaped labels and numbers
                bar_chart(
                    figure.rows,
                    unit=figure.unit,
                    title_id=f"{figure.key}-title",
                    desc_id=f"{figure.key}-subtitle",
                )
            )
            if figure.chart and figure.rows
            else "",
        }
        for figure in figures
    ]
    query = QueryDict(mutable=True)
    query.update(
        {
            "start": scope.first.isoformat(),
            "end": scope.last.replace(day=1).isoformat(),
            "officer": str(scope.officer_id or ""),
            "kind": scope.kind,
        }
    )
    choices = {
        name: dict(form.fields[name].choices)  # type: ignore[attr-defined]
        for name in ("officer", "kind")
    }
    return render(
        request,
        "approvals/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "shown": shown,
            "query": query.urlencode(),
            # What the figures are for, in words, as applied.
            "officer_label": choices["officer"].get(scope.officer_id or "", "Every officer"),
            "kind_label": choices["kind"].get(scope.kind, "Every kind"),
        },
    )
