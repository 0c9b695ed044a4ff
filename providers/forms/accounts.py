"""The administrator's forms for provider accounts: an organisation, a decision on a
provider's change."""

from django import forms

from placements.forms import GDSForm

from .directory import parse_email_list


class OrganisationForm(GDSForm, forms.Form):
    name = forms.CharField(
        label="Organisation name", max_length=200, error_messages={"required": "Enter a name"}
    )
    emails = forms.CharField(
        label="Email addresses that may sign in",
        help_text="One per line. Each gets a sign-in link when it asks for one.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        error_messages={"required": "Enter at least one email address"},
    )
    references = forms.CharField(
        label="Its settings: their references in the directory",
        help_text="One per line, like PRV-0012.",
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        required=False,
    )
    is_active = forms.BooleanField(
        label="The account is open (untick to stop anyone signing in)",
        required=False,
        initial=True,
    )

    def clean_emails(self):
        emails = parse_email_list(self.cleaned_data["emails"])
        if not emails:
            raise forms.ValidationError("Enter at least one email address")
        return emails

    def clean_references(self):
        return [r for r in self.cleaned_data["references"].replace(",", " ").split() if r]


class ChangeDecisionForm(GDSForm, forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve the change"), ("refuse", "Refuse it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve the change"},
    )
    reason = forms.CharField(
        label="Why (needed to refuse; the provider sees it)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("decision") == "refuse" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the change is refused")
        return data
