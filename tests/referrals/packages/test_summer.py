"""Summer play schemes (Annex 1): the most days, the closing date for children already
open to the service, new children's requests until mid-June, and a request made before
January kept on file while the rest of the referral goes ahead; every refusal says why."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from placements.models import CouncilSettings
from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.drafting.completeness import referral_missing_answers
from referrals.models import Referral, SummerSchemeRequest
from referrals.packages import services as packages
from referrals.packages.summer import on_file, summer_handling, summer_problems
from tests.journeys import complete_package

D = dt.date


def problems(on, *, year=2027, case="open", days=5, reason=""):
    return summer_problems(
        year=year, case=case, days=days, more_days_reason=reason, on=on, council=council()
    )


def council():
    return CouncilSettings(
        summer_scheme_max_days=5,
        summer_window_opens_month=1,
        summer_open_cases_close_month=3,
        summer_open_cases_close_day=1,
        summer_new_cases_until_month=6,
        summer_new_cases_until_day=15,
    )


@pytest.mark.parametrize(
    ("on", "case", "field"),
    [
        (D(2026, 11, 29), "open", None),  # before January: kept on file
        (D(2027, 1, 4), "open", None),
        (D(2027, 3, 1), "open", None),  # the closing date itself
        (D(2027, 3, 2), "open", "case"),
        (D(2027, 3, 2), "new", None),  # new children: while places remain
        (D(2027, 6, 15), "new", None),
        (D(2027, 6, 16), "new", "case"),
        (D(2027, 9, 1), "new", "case"),  # after mid-June
        (D(2028, 1, 10), "new", "year"),  # that summer has passed
        (D(2025, 12, 31), "open", "year"),  # too early: not the coming summer
    ],
)
def test_the_dates_across_the_year(on, case, field):
    found = problems(on, case=case)
    assert list(found) == ([field] if field else [])


def test_each_refusal_says_what_the_rule_is():
    assert problems(D(2027, 3, 2))["case"].startswith(
        "The closing date for children already open to the service was 1 March 2027"
    )
    assert problems(D(2027, 6, 16), case="new")["case"].startswith(
        "New children's requests were processed until 15 June 2027"
    )
    assert problems(D(2027, 1, 4), days=6)["days"].startswith("A child may have up to 5 days")
    assert problems(D(2027, 1, 4), days=8, reason="Assessed for 8 days in the care plan") == {}


def test_a_request_made_before_january_is_kept_on_file():
    assert summer_handling(year=2027, case="open", on=D(2026, 12, 1), council=council()) == (
        "Kept on file and brokered from 1 January 2027, when the summer scheme window opens; "
        "any other support on the referral goes ahead now"
    )
    summer = SummerSchemeRequest(year=2027)
    assert on_file(summer, on=D(2026, 12, 31), council=council())
    assert not on_file(summer, on=D(2027, 1, 1), council=council())
    assert summer_handling(year=2027, case="new", on=D(2027, 4, 1), council=council()).startswith(
        "Processed until 15 June 2027 while places remain"
    )


def summer_values(child, **overrides):
    values = {
        "child": child,
        "year": 2027,
        "case": "open",
        "days": 5,
        "more_days_reason": "",
        "preferred_dates": "Any week in August",
        "unavailable_dates": "",
        "parents_told": True,
    }
    values.update(overrides)
    return values


@time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC))
def test_a_summer_request_goes_on_a_short_breaks_referral_within_the_rules(social_worker):
    referral = complete_package(social_worker, service="short_break")
    child = referral.children.get()
    with pytest.raises(DomainError, match="up to 5 days"):
        packages.summer_request_save(
            referral=referral, values=summer_values(child, days=7), actor=social_worker
        )
    summer = packages.summer_request_save(
        referral=referral, values=summer_values(child), actor=social_worker
    )
    with pytest.raises(DomainError, match="already has a request for summer 2027"):
        packages.summer_request_save(
            referral=referral, values=summer_values(child), actor=social_worker
        )
    assert referral_missing_answers(Referral.objects.get(pk=referral.pk)) == []
    drafting.referral_submit(referral=referral, actor=social_worker)
    assert summer.referral.summer_requests.count() == 1


def test_a_home_care_referral_has_no_summer_scheme(social_worker):
    referral = complete_package(social_worker, service="home_care")
    with pytest.raises(DomainError, match="short breaks referral"):
        packages.summer_request_save(
            referral=referral,
            values=summer_values(referral.children.get()),
            actor=social_worker,
        )


def test_a_draft_past_the_closing_date_cannot_be_submitted_and_says_why(social_worker):
    with time_machine.travel(dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC)):
        referral = complete_package(social_worker, service="short_break")
        packages.summer_request_save(
            referral=referral,
            values=summer_values(referral.children.get()),
            actor=social_worker,
        )
    with time_machine.travel(dt.datetime(2027, 3, 5, 12, tzinfo=dt.UTC)):
        [(section, missing)] = referral_missing_answers(Referral.objects.get(pk=referral.pk))
        assert section.key == "short_break"
        assert missing[0].text.startswith(
            "summer 2027: The closing date for children already open to the service was "
            "1 March 2027"
        )
        with pytest.raises(DomainError):
            drafting.referral_submit(referral=referral, actor=social_worker)


@time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC))
def test_the_annex_page_refuses_with_the_rule_and_saves_on_file(social_worker_client):
    referral = complete_package(social_worker_client.user, service="short_break")
    child = referral.children.get()
    url = reverse("referrals:summer-add", kwargs={"pk": referral.pk})
    data = {
        "child": child.pk,
        "year": "2027",
        "case": "open",
        "days": "6",
        "preferred_dates": "August",
        "parents_told": "on",
    }
    refused = social_worker_client.post(url, data).content.decode()
    assert "A child may have up to 5 days" in refused
    refused = social_worker_client.post(url, {**data, "days": "5", "parents_told": ""})
    assert "Tell the parents their responsibilities" in refused.content.decode()
    saved = social_worker_client.post(url, {**data, "days": "5"}, follow=True)
    assert "Kept on file and brokered from 1 January 2027" in saved.content.decode()
    page = social_worker_client.get(
        reverse("referrals:submit", kwargs={"pk": referral.pk})
    ).content.decode()
    assert "Summer 2027" in page and "Kept on file" in page


def test_the_pack_gives_the_summer_dates_by_initials(social_worker):
    from referrals.pack.content import build_pack

    with time_machine.travel(dt.datetime(2027, 1, 5, 12, tzinfo=dt.UTC)):
        referral = complete_package(social_worker, service="short_break")
        packages.summer_request_save(
            referral=referral,
            values=summer_values(referral.children.get(), unavailable_dates="Week of 2 August"),
            actor=social_worker,
        )
        pack = build_pack(Referral.objects.get(pk=referral.pk))
    [summer] = [t for t in pack.texts if t.key == "summer1"]
    assert summer.label == "Summer play scheme 2027"
    assert summer.text.startswith("JO: 5 days; preferred Any week in August")
    assert "Jayden" not in pack.plain_text()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"summer_open_cases_close_day": 31, "summer_open_cases_close_month": 2},
            "summer_open_cases_close_day",
            "Enter a real day of the year, like 1 and 3 for 1 March",
        ),
        (
            {"summer_new_cases_until_day": 1, "summer_new_cases_until_month": 2},
            "summer_new_cases_until_day",
            "New cases are processed until a date after open cases close",
        ),
        (
            {"summer_window_opens_month": 4},
            "summer_open_cases_close_day",
            "The closing date for open cases must be after the window opens",
        ),
    ],
)
def test_the_councils_summer_dates_must_make_sense(db, changes, field, message):
    from django.forms.models import model_to_dict

    from placements.forms import CouncilSettingsForm

    data = {k: v for k, v in model_to_dict(CouncilSettings.load()).items() if v is not None}
    form = CouncilSettingsForm(data={**data, **changes}, instance=CouncilSettings.load())
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_request_on_file_reaches_providers_only_once_the_window_opens(social_worker):
    from referrals.pack.content import build_pack, referral_fingerprint

    with time_machine.travel(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)):
        referral = complete_package(social_worker, service="short_break")
        packages.summer_request_save(
            referral=referral, values=summer_values(referral.children.get()), actor=social_worker
        )
        referral = Referral.objects.get(pk=referral.pk)
        before = referral_fingerprint(referral)
        # The short breaks go ahead now; the summer scheme waits on file.
        assert not [t for t in build_pack(referral).texts if t.key.startswith("summer")]
    with time_machine.travel(dt.datetime(2027, 1, 4, 12, tzinfo=dt.UTC)):
        # The window has opened: the pack released before is out of date, and the next
        # one holds the summer scheme.
        assert referral_fingerprint(referral) != before
        assert [t.key for t in build_pack(referral).texts if t.key.startswith("summer")] == [
            "summer1"
        ]
