import datetime as dt
from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Size
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core import validators

from .models import CouncilSettings, Team, User
from .roles import ROLES_NEEDING_SECOND_ADMINISTRATOR, Role
from .sso import password_sign_in_allowed, password_sign_in_allowed_for_email

SIGN_IN_OFF_MESSAGE = (
    "Sign in with your council account: password sign-in is turned off, but for "
    "break-glass administrators"
)

UK_SUBDIVISIONS = [
    ("ENG", "England"),
    ("WLS", "Wales"),
    ("SCT", "Scotland"),
    ("NIR", "Northern Ireland"),
]


# Free text the service takes: a paragraph box holds up to this many characters, a
# one-line box this many, unless a field says otherwise.
TEXTAREA_MAX_LENGTH = 20_000
INPUT_MAX_LENGTH = 500


_DJANGO_INVALID_DATE = forms.DateField.default_error_messages["invalid"]
_DJANGO_INVALID_NUMBER = {
    forms.DecimalField.default_error_messages["invalid"],
    forms.IntegerField.default_error_messages["invalid"],
}


def whole_number_field(
    label: str, *, low: int, high: int, messages: dict[str, str] | None = None
) -> forms.IntegerField:
    """A short GOV.UK number input for a whole number from `low` to `high`, with messages
    that name it ("Enter the oldest age", "The oldest age must be 25 or less"), or the
    `messages` given in their place."""
    what = label[0].lower() + label[1:]
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(
            attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-3"}
        ),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be {low} or more",
            "max_value": f"{label} must be {high} or less",
            **(messages or {}),
        },
    )


class TextLimits:
    """Mix in to give every text field of a form a length limit (a 2,000,000-character
    profile is refused, not stored) and GOV.UK wording where Django's own would show:
    "Health must be 20,000 characters or fewer", "Date needed must be a real date",
    "Choose one" rather than "---------"."""

    fields: dict[str, forms.Field]  # the form's, once this is mixed into one

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "This").rstrip("?:")
            # Only Django's own words are replaced; a field's own message stays.
            invalid = field.error_messages.get("invalid")
            if isinstance(field, forms.DateField) and invalid == _DJANGO_INVALID_DATE:
                field.error_messages["invalid"] = f"{label} must be a real date"
            if isinstance(field, forms.DecimalField | forms.IntegerField) and invalid in (
                _DJANGO_INVALID_NUMBER
            ):
                field.error_messages["invalid"] = f"{label} must be a number"
            if isinstance(field, forms.ModelChoiceField) and field.empty_label == "---------":
                field.empty_label = "Choose one"
            if not isinstance(field, forms.CharField):
                continue
            if field.max_length is None:
                textarea = isinstance(field.widget, forms.Textarea)
                field.max_length = TEXTAREA_MAX_LENGTH if textarea else INPUT_MAX_LENGTH
                field.validators.append(validators.MaxLengthValidator(field.max_length))
            field.error_messages.setdefault(
                "max_length", f"{label} must be {field.max_length:,} characters or fewer"
            )


class GDSForm(TextLimits):
    """Mix in to give a form a crispy-forms-gds helper (and so an error summary).

    crispy-forms-gds turns the helper's label and legend sizes into GOV.UK classes
    only when it renders a layout, so a form without one gets a layout of its fields
    (as they stand when it is drawn, after any subclass has added or removed some)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper = FormHelper()
        self._helper.form_tag = False
        # The page's own <form> carries {% csrf_token %}; one token per form is enough.
        self._helper.disable_csrf = True
        self._helper.label_size = Size.SMALL
        self._helper.legend_size = Size.SMALL

    @property
    def helper(self) -> FormHelper:
        if self._helper.layout is None:
            self._helper.layout = Layout(*self.fields)
        return self._helper

    @helper.setter
    def helper(self, value: FormHelper) -> None:
        self._helper = value


class SignInForm(GDSForm, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        # With password sign-in off, only a break-glass administrator's password is even
        # checked: anyone else gets the same answer, right password or wrong.
        email = (self.data.get("username") or "").strip()
        if email and not password_sign_in_allowed_for_email(email):
            raise forms.ValidationError(SIGN_IN_OFF_MESSAGE, code="password_off")
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not password_sign_in_allowed(user):
            raise forms.ValidationError(SIGN_IN_OFF_MESSAGE, code="password_off")


class UserForm(GDSForm, forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Select all that apply. The approving roles ("
            + ", ".join(
                label.lower()
                for value, label in Role.choices
                if value in ROLES_NEEDING_SECOND_ADMINISTRATOR and value != Role.ADMINISTRATOR
            )
            + ") and administrator apply only once a second administrator approves them."
        ),
        error_messages={"required": "Select at least one role"},
    )

    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "team"]
        labels = {"full_name": "Full name", "job_title": "Job title (optional)"}
        error_messages = {
            "full_name": {"required": "Enter the person's full name"},
            "email": {
                "required": "Enter their work email address",
                "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
                "unique": "A user with this email address already exists",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        team = cast(forms.ModelChoiceField, self.fields["team"])  # from the foreign key
        team.queryset = Team.objects.select_related("service")
        team.required = False
        team.empty_label = "No team"
        team.label = "Team (needed for social workers and their managers)"
        if self.instance.pk:
            self.initial["roles"] = sorted(self.instance.role_set)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A user with this email address already exists")
        return email

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        roles = set(cleaned.get("roles") or [])
        team_roles = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_LEAD}
        if roles & team_roles and not cleaned.get("team"):
            self.add_error(
                "team",
                "Select a team: social workers, team managers and service leads belong to one",
            )
        return cleaned


class RoleGrantRefuseForm(GDSForm, forms.Form):
    reason = forms.CharField(
        label="Why are you refusing this role?",
        help_text="We email this to the administrator who asked for it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Enter why you are refusing this role"},
    )


RANKING_QUALITY = (
    "ranking_ofsted_points",
    "ranking_needs_points",
    "ranking_locality_points",
    "ranking_response_points",
)
RANKING_FIELDS = ("ranking_quality_percent", *RANKING_QUALITY)


class CouncilSettingsForm(GDSForm, forms.ModelForm):
    bank_holiday_subdivision = forms.ChoiceField(
        choices=UK_SUBDIVISIONS, label="Bank holidays to skip when counting working days"
    )

    class Meta:
        model = CouncilSettings
        fields = [
            "council_name",
            "service_name",
            "boundary_description",
            "contact_email",
            "bank_holiday_subdivision",
            "response_working_days_standard",
            "response_working_days_urgent",
            "response_deadline_hour",
            "working_day_start_hour",
            "emergency_response_working_hours",
            "chaser_working_days_before",
            "options_reminder_working_days",
            "qa_visit_valid_months",
            "link_grace_hours",
            "dual_search_from_age",
            "people_in_pack",
            "in_house_approval_role",
            "agreement_review_arrangements",
            "agreement_link_days",
            "countersign_by_another_person",
            "package_cost_approval",
            "package_split_allowed",
            "package_review_arrangements",
            "summer_scheme_max_days",
            "summer_window_opens_month",
            "summer_open_cases_close_day",
            "summer_open_cases_close_month",
            "summer_new_cases_until_day",
            "summer_new_cases_until_month",
            "vacancy_confirm_days",
            "sso_create_accounts",
            "staff_password_sign_in",
            "second_factor_for_everyone",
            "review_first_working_days",
            "review_every_months",
            *RANKING_FIELDS,
        ]
        labels = {
            "summer_open_cases_close_day": "Summer play scheme: closing day for open cases",
            "summer_open_cases_close_month": "… and month (1 to 12)",
            "summer_new_cases_until_day": "Summer play scheme: new cases processed until day",
            "summer_new_cases_until_month": "… and month (1 to 12)",
            "council_name": "Council name (shown in the header)",
            "service_name": "Service name",
            "boundary_description": "What tier 1 means (inside the council's boundary)",
            "contact_email": "Team contact email address",
            "response_working_days_standard": "Provider response deadline, standard (working days)",
            "response_working_days_urgent": "Provider response deadline, urgent (working days)",
            "response_deadline_hour": (
                "Hour at which deadlines fall and working hours end (0 to 23, UK time)"
            ),
            "working_day_start_hour": "Hour at which working hours start (0 to 23, UK time)",
            "emergency_response_working_hours": (
                "Provider response deadline, emergency (working hours)"
            ),
            "chaser_working_days_before": (
                "Chase providers this many working days before the deadline"
            ),
            "options_reminder_working_days": (
                "Remind the social worker when options wait this many working days"
            ),
            "qa_visit_valid_months": "A QA visit is current for this many months",
            "link_grace_hours": "Hours after the deadline a provider can still read their link",
            "dual_search_from_age": "Search in-house and externally at once from this age",
            "people_in_pack": "How people around the child appear in packs sent to providers",
            "countersign_by_another_person": (
                "The agreement must be countersigned by someone other than the officer who "
                "issued it"
            ),
        }
        help_texts = {
            "countersign_by_another_person": (
                "Another brokerage officer or the duty lead countersigns each placement agreement."
            ),
        }
        widgets = {"people_in_pack": forms.RadioSelect, "package_cost_approval": forms.RadioSelect}

    SUMMER_DATES = (
        ("summer_open_cases_close_day", "summer_open_cases_close_month"),
        ("summer_new_cases_until_day", "summer_new_cases_until_month"),
    )

    def _clean_summer(self, cleaned) -> None:
        """Each summer scheme date is a real day of the year, in the order the rules
        take them: the window opens, open cases close, new cases close."""
        dates = []
        for day, month in self.SUMMER_DATES:
            if cleaned.get(day) is None or cleaned.get(month) is None:
                return
            try:
                dates.append(dt.date(2001, cleaned[month], cleaned[day]))
            except ValueError:
                self.add_error(day, "Enter a real day of the year, like 1 and 3 for 1 March")
                return
        opens = cleaned.get("summer_window_opens_month")
        if opens is not None and not 1 <= opens <= 12:
            self.add_error("summer_window_opens_month", "Enter a month from 1 to 12")
            return
        if opens and dates[0] < dt.date(2001, opens, 1):
            self.add_error(
                "summer_open_cases_close_day",
                "The closing date for open cases must be after the window opens",
            )
        elif dates[1] < dates[0]:
            self.add_error(
                "summer_new_cases_until_day",
                "New cases are processed until a date after open cases close",
            )

    def clean_response_deadline_hour(self):
        hour = self.cleaned_data["response_deadline_hour"]
        if hour > 23:
            raise forms.ValidationError("Enter an hour from 0 to 23")
        return hour

    def _clean_ranking(self, cleaned) -> None:
        """Quality's share is a percentage; its four criteria share it out, adding up to
        100 between them."""
        quality = cleaned.get("ranking_quality_percent")
        if quality is not None and quality > 100:
            self.add_error("ranking_quality_percent", "Enter a percentage from 0 to 100")
        shares = [cleaned.get(name) for name in RANKING_QUALITY]
        if None not in shares and sum(shares) != 100:
            self.add_error(
                "ranking_response_points",
                f"The four quality shares must add up to 100 (they add up to {sum(shares)})",
            )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        self._clean_summer(cleaned)
        self._clean_ranking(cleaned)
        standard = cleaned.get("response_working_days_standard")
        urgent = cleaned.get("response_working_days_urgent")
        for name in ("response_working_days_standard", "response_working_days_urgent"):
            if cleaned.get(name) == 0:
                self.add_error(name, "A deadline must be at least 1 working day")
        starts = cleaned.get("working_day_start_hour")
        ends = cleaned.get("response_deadline_hour")
        if starts is not None and starts > 23:
            self.add_error("working_day_start_hour", "Enter an hour from 0 to 23")
        elif starts is not None and ends is not None and starts >= ends:
            self.add_error(
                "working_day_start_hour",
                "Working hours must start before the hour at which deadlines fall",
            )
        if cleaned.get("emergency_response_working_hours") == 0:
            self.add_error(
                "emergency_response_working_hours", "An emergency deadline must be at least 1 hour"
            )
        if standard and urgent and urgent > standard:
            self.add_error(
                "response_working_days_urgent",
                "The urgent deadline must not be longer than the standard one",
            )
        return cleaned


class DirectoryGroupForm(GDSForm, forms.Form):
    """A directory group mapped to a role (and a team, for accounts it makes)."""

    group = forms.CharField(
        label="The group's id in the directory",
        help_text="As the sign-in sends it: for Entra ID, the group's object id.",
        max_length=200,
        error_messages={"required": "Enter the group's id in the directory"},
    )
    name = forms.CharField(
        label="What the group is",
        max_length=200,
        error_messages={"required": "Say what the group is"},
    )
    role = forms.ChoiceField(
        label="The role its members get",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose the role its members get"},
    )
    team = forms.ModelChoiceField(
        label="Team, for accounts it makes (optional)",
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label="No team",
    )
    at_once = forms.BooleanField(
        label="Give an approving or administrator role at once, without a second administrator",
        help_text="Leave this unticked to have each such role approved by another "
        "administrator, as when you give it by hand. Map security groups only, never a "
        "group people can join themselves. Administrator is never given at once.",
        required=False,
    )


class CodeForm(GDSForm, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the code"},
    )

    def __init__(self, *args, label: str = "Code", hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = label
        self.fields["code"].help_text = hint
