"""The forms of cost approval: the approver's decision and a new version of the bands."""

from django import forms

from placements.fields import GovDateField, MoneyField
from placements.forms import GDSForm
from placements.roles import Role

APPROVE, REJECT, RETURN_COSTS = "approve", "reject", "return"


class CostDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        widget=forms.RadioSelect,
        choices=[
            (APPROVE, "Approve the cost"),
            (RETURN_COSTS, "Return to brokerage with comments (they may negotiate and ask again)"),
            (REJECT, "Reject: brokerage must find another option"),
        ],
        error_messages={"required": "Select approve, return or reject"},
    )
    comments = forms.CharField(
        label="Comments (needed to return or reject)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") in (REJECT, RETURN_COSTS) and not data.get("comments", "").strip():
            self.add_error("comments", "Give your comments for the officer and the social worker")
        return data


class CostBandsForm(GDSForm, forms.Form):
    """A new version of the bands: up to four rows of (from, role)."""

    in_force_from = GovDateField(
        label_text="In force from (the start of this day)",
        required=True,
        what="the day the bands come into force",
    )
    note = forms.CharField(
        label="Why the bands change",
        max_length=300,
        error_messages={"required": "Say why the bands change"},
    )

    ROWS = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roles = [("", "Not used")] + [
            (r.value, r.label) for r in (Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR)
        ]
        for n in range(1, self.ROWS + 1):
            self.fields[f"from_{n}"] = MoneyField(
                label=f"Band {n} starts at (£ a week)",
                what=f"where band {n} starts",
                required=False,
            )
            self.fields[f"role_{n}"] = forms.ChoiceField(
                label=f"Band {n} is approved by", choices=roles, required=False
            )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        bands = []
        for n in range(1, self.ROWS + 1):
            start, role = data.get(f"from_{n}"), data.get(f"role_{n}")
            if f"from_{n}" in self.errors or f"role_{n}" in self.errors:
                continue  # already said what is wrong with this band
            if start is None and not role:
                continue
            if start is None:
                self.add_error(f"from_{n}", f"Enter where band {n} starts")
            elif not role:
                self.add_error(f"role_{n}", f"Select who approves band {n}")
            else:
                bands.append((start, role))
        if not bands and not self.errors:
            raise forms.ValidationError("Enter at least one band")
        data["bands"] = bands
        return data
