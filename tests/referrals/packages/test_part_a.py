"""Part A of a package referral: what is asked for decides the sections, every box is
answered, the approval the support rests on, a provider asked for by name, the weekly
tables through the pages, and submission."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.services import DomainError
from referrals.drafting import services as drafting
from referrals.drafting.completeness import referral_missing_answers, sections_for
from referrals.models import Referral, ScheduleSlot
from referrals.packages import services as packages
from referrals.packages.rules import FAMILIARITY_REFUSED, requested_reason_problem
from tests.journeys import complete_package, package_values, slot
from tests.providers.factories import ProviderFactory


def missing_answers(referral) -> dict[str, list[str]]:
    referral = Referral.objects.get(pk=referral.pk)
    return {s.key: [m.text for m in items] for s, items in referral_missing_answers(referral)}


@pytest.mark.parametrize(
    ("service", "sections"),
    [
        ("placement", ["children", "people", "needs", "outcomes", "profile", "exclusions"]),
        ("short_break", ["children", "people", "package", "short_break", "outcomes", "exclusions"]),
        ("home_care", ["children", "people", "package", "home_care", "outcomes", "exclusions"]),
        (
            "short_break_home_care",
            ["children", "people", "package", "short_break", "home_care", "outcomes", "exclusions"],
        ),
    ],
)
def test_the_form_follows_what_is_asked_for(social_worker, service, sections):
    referral = drafting.referral_start(social_worker=social_worker, service=service)
    assert [s.key for s in sections_for(referral)] == sections


def test_a_complete_home_care_package_is_submitted_to_the_team_manager(social_worker):
    referral = complete_package(social_worker)
    assert missing_answers(referral) == {}
    submitted = drafting.referral_submit(referral=referral, actor=social_worker)
    assert submitted.status == Referral.Status.SUBMITTED
    assert submitted.reference


def test_an_empty_package_names_every_box_still_to_answer(social_worker):
    referral = drafting.referral_start(social_worker=social_worker, service="short_break_home_care")
    missing = missing_answers(referral)
    assert missing["people"] == ["the principal contact"]
    assert missing["package"] == [
        "your phone number",
        "the start of the service",
        "the end of the service",
        "dates the family is not available",
        "whether the support is new, more, or a change",
        "what approved the support",
        "the approval date",
    ]
    assert missing["short_break"] == [
        "travel restrictions",
        "the short break additional notes",
        "the days and times short breaks are needed",
    ]
    assert missing["home_care"] == [
        "what the carer will do",
        "the home care additional notes",
        "the days and times home care is needed in term time or the holidays",
    ]
    with pytest.raises(DomainError):
        drafting.referral_submit(referral=referral, actor=social_worker)


def test_new_support_cannot_be_submitted_without_the_panels_date(social_worker):
    referral = complete_package(social_worker)
    packages.package_update(referral=referral, values={"approval_date": None}, actor=social_worker)
    assert missing_answers(referral)["package"] == [
        "the Resource Allocation Panel's approval date: new or increased support is "
        "approved by the panel before it is brokered"
    ]
    with pytest.raises(DomainError, match="Resource Allocation Panel"):
        drafting.referral_submit(referral=referral, actor=social_worker)
    # An emergency package rests on the date of the child protection or child in need plan.
    packages.package_update(
        referral=referral, values={"approval_basis": "plan"}, actor=social_worker
    )
    assert missing_answers(referral)["package"] == ["the approval date"]


def test_more_or_changed_support_says_what_the_council_gives_now_and_how_it_is_funded(
    social_worker,
):
    referral = complete_package(social_worker)
    packages.package_update(referral=referral, values={"change": "increase"}, actor=social_worker)
    assert missing_answers(referral)["package"] == [
        "the support the council gives now",
        "how the current support is funded",
    ]
    packages.package_update(
        referral=referral,
        values={"current_support": "6 hours a week", "current_support_funding": "direct_payment"},
        actor=social_worker,
    )
    assert missing_answers(referral) == {}


def test_bank_holidays_are_covered_only_with_a_reason(social_worker):
    referral = complete_package(social_worker)
    packages.package_update(
        referral=referral, values={"bank_holidays_needed": True}, actor=social_worker
    )
    assert missing_answers(referral)["package"] == ["why bank holidays are needed"]


def test_a_child_on_a_package_answers_mobility_and_school_holidays(social_worker):
    referral = complete_package(social_worker)
    child = referral.children.get()
    drafting.child_save(
        referral=referral,
        child=child,
        values={"mobility_issues": None, "school_holidays": " "},
        actor=social_worker,
    )
    assert missing_answers(referral)["children"] == [
        "Jayden O'Brien: whether they have mobility issues",
        "Jayden O'Brien: the school's holiday dates",
    ]
    drafting.child_save(
        referral=referral,
        child=child,
        values={"mobility_issues": True, "mobility_equipment": "", "school_holidays": "N/A"},
        actor=social_worker,
    )
    assert missing_answers(referral)["children"] == [
        "Jayden O'Brien: the mobility equipment and when it is used"
    ]


def test_the_principal_contact_is_one_person_with_a_phone_number(social_worker):
    referral = complete_package(social_worker)
    dad = drafting.person_save(
        referral=referral,
        values={"full_name": "Dean O'Brien", "relationship": "Dad", "is_principal_contact": True},
        actor=social_worker,
    )
    # Naming another moves the role to them.
    assert list(referral.people.filter(is_principal_contact=True)) == [dad]
    assert missing_answers(referral)["people"] == ["the principal contact's phone number"]


@pytest.mark.parametrize(
    "reason",
    [
        "The provider knows the family and support works well",
        "They already know him",
        "Mum says they are familiar with the routine",
        "Good relationship with the carers",
    ],
)
def test_the_provider_knowing_the_family_is_refused_as_a_reason(social_worker, reason):
    referral = complete_package(social_worker)
    with pytest.raises(DomainError, match="is not a reason another provider"):
        packages.package_update(
            referral=referral,
            values={"requested_provider": ProviderFactory(), "requested_reason": reason},
            actor=social_worker,
        )
    assert requested_reason_problem(reason) == FAMILIARITY_REFUSED


def test_the_impact_on_the_child_is_a_reason_for_one_provider(social_worker):
    reason = (
        "A change of carer has led to weeks of distress and self-injury; this provider's "
        "staff are trained in his epilepsy rescue medication"
    )
    assert requested_reason_problem(reason) is None
    assert requested_reason_problem("") is not None
    referral = complete_package(social_worker)
    provider = ProviderFactory()
    packages.package_update(
        referral=referral,
        values={"requested_provider": provider, "requested_reason": reason},
        actor=social_worker,
    )
    assert referral.package.requested_provider == provider


def test_a_slot_that_overlaps_is_refused_and_the_tables_keep_their_totals(social_worker):
    referral = complete_package(social_worker)
    with pytest.raises(DomainError, match="This overlaps 1 hour between 07:00 and 08:30 on Monday"):
        packages.slot_save(
            referral=referral,
            values=slot("home_care", "term", 0, starts="08:00", ends="09:00", hours="1"),
            actor=social_worker,
        )
    with pytest.raises(DomainError, match="does not ask for that service"):
        packages.slot_save(
            referral=referral,
            values=slot("short_break", "all_year", 6, hours="3", part="morning"),
            actor=social_worker,
        )
    term = ScheduleSlot.objects.filter(referral=referral, period="term")
    assert sum(s.hours for s in term) == Decimal("9")


def test_a_placement_referral_has_no_package_to_save(social_worker):
    referral = drafting.referral_start(social_worker=social_worker)
    with pytest.raises(DomainError, match="placement, not a package"):
        packages.package_update(referral=referral, values=package_values(), actor=social_worker)
    with pytest.raises(DomainError, match="placement, not a package"):
        packages.slot_save(
            referral=referral,
            values=slot("home_care", "term", 0, hours="1", part="morning"),
            actor=social_worker,
        )


def test_changing_what_is_asked_for_keeps_the_answers(social_worker):
    referral = complete_package(social_worker, service="home_care")
    packages.referral_service_set(
        referral=referral, service="short_break_home_care", actor=social_worker
    )
    assert list(missing_answers(referral)) == ["short_break"]
    assert referral.schedule.count() == 7 + 3


def test_a_submitted_package_cannot_be_changed(social_worker):
    referral = complete_package(social_worker)
    drafting.referral_submit(referral=referral, actor=social_worker)
    with pytest.raises(DomainError, match="cannot be changed"):
        packages.package_update(
            referral=referral, values={"family_unavailable": "x"}, actor=social_worker
        )
    with pytest.raises(DomainError, match="cannot be changed"):
        packages.slot_remove(referral=referral, slot=referral.schedule.first(), actor=social_worker)


# --- Through the pages -------------------------------------------------------------


def test_starting_a_referral_asks_what_it_is_for(social_worker_client):
    page = social_worker_client.get(reverse("referrals:start"))
    assert "What are you asking for?" in page.content.decode()
    refused = social_worker_client.post(reverse("referrals:start"), {})
    assert "Choose what the referral asks for" in refused.content.decode()
    assert not Referral.objects.exists()
    started = social_worker_client.post(reverse("referrals:start"), {"service": "home_care"})
    referral = Referral.objects.get()
    assert started["Location"] == reverse("referrals:detail", kwargs={"pk": referral.pk})
    assert referral.service == "home_care"
    page = social_worker_client.get(started["Location"]).content.decode()
    assert "Dates, current support and approval" in page
    assert "Home care" in page
    assert "Getting to know me" not in page


def slot_form(**overrides):
    data = {"period": "term", "day": "0", "starts": "07:00", "ends": "08:30", "hours": "1"}
    data.update(overrides)
    return data


def test_a_row_is_added_through_its_page_with_errors_beside_the_fields(social_worker_client):
    referral = drafting.referral_start(social_worker=social_worker_client.user, service="home_care")
    add = reverse("referrals:slot-add", kwargs={"pk": referral.pk, "service": "home_care"})
    refused = social_worker_client.post(add, slot_form(hours="2")).content.decode()
    assert "2 hours do not fit between 07:00 and 08:30" in refused
    refused = social_worker_client.post(add, slot_form(ends="7pm")).content.decode()
    assert "End time must be a time on the 24-hour clock, like 07:00 or 15:30" in refused
    refused = social_worker_client.post(add, slot_form(starts="", ends="")).content.decode()
    assert "Give the times, or the part of the day if no set times" in refused
    assert not referral.schedule.exists()
    saved = social_worker_client.post(add, slot_form(starts="7", ends="0830"))
    assert saved.status_code == 302
    row = referral.schedule.get()
    assert (row.starts, row.ends, row.hours) == (dt.time(7), dt.time(8, 30), Decimal("1"))
    overlap = social_worker_client.post(add, slot_form(starts="08:00", ends="09:00"))
    assert "This overlaps 1 hour between 07:00 and 08:30 on Monday" in overlap.content.decode()
    # The error summary leads to the times, where the overlap is.
    assert 'href="#id_starts"' in overlap.content.decode()
    page = social_worker_client.get(
        reverse("referrals:home-care", kwargs={"pk": referral.pk})
    ).content.decode()
    assert "1 hour between 07:00 and 08:30" in page
    assert "Home care: term time" in page


def test_the_package_page_refuses_a_familiarity_reason_beside_it(social_worker_client):
    referral = drafting.referral_start(
        social_worker=social_worker_client.user, service="short_break"
    )
    provider = ProviderFactory()
    page = social_worker_client.post(
        reverse("referrals:package", kwargs={"pk": referral.pk}),
        {
            "worker_phone": "0116 000 0000",
            "requested_provider": provider.pk,
            "requested_reason": "Provider knows the child and family well",
        },
    )
    body = page.content.decode()
    assert FAMILIARITY_REFUSED in body
    # The other answer given is kept; the refused ones are not.
    referral.package.refresh_from_db()
    assert referral.package.worker_phone == "0116 000 0000"
    assert referral.package.requested_provider is None


def test_an_approval_date_in_the_future_is_refused(social_worker_client):
    referral = drafting.referral_start(
        social_worker=social_worker_client.user, service="short_break"
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = social_worker_client.post(
        reverse("referrals:package", kwargs={"pk": referral.pk}),
        {
            "approval_date_0": tomorrow.day,
            "approval_date_1": tomorrow.month,
            "approval_date_2": tomorrow.year,
        },
    )
    assert "The approval date must be today or in the past" in page.content.decode()


def test_a_placement_referral_has_no_package_pages(social_worker_client):
    referral = drafting.referral_start(social_worker=social_worker_client.user)
    page = social_worker_client.get(reverse("referrals:package", kwargs={"pk": referral.pk}))
    assert page.status_code == 302


def test_another_social_worker_cannot_see_or_change_the_package(
    social_worker, client_for, other_team
):
    from placements.roles import Role

    referral = complete_package(social_worker)
    row = referral.schedule.first()
    stranger = client_for(Role.SOCIAL_WORKER, team=other_team)
    for url in (
        reverse("referrals:package", kwargs={"pk": referral.pk}),
        reverse("referrals:home-care", kwargs={"pk": referral.pk}),
        reverse("referrals:slot-edit", kwargs={"pk": referral.pk, "slot_pk": row.pk}),
    ):
        assert stranger.get(url).status_code == 404
        assert stranger.post(url, slot_form()).status_code == 404
    remove = reverse("referrals:slot-remove", kwargs={"pk": referral.pk, "slot_pk": row.pk})
    assert stranger.post(remove).status_code == 404
    assert referral.schedule.filter(pk=row.pk).exists()


def test_check_answers_shows_part_a_with_its_tables_and_totals(social_worker_client):
    referral = complete_package(social_worker_client.user, service="short_break_home_care")
    page = social_worker_client.get(
        reverse("referrals:submit", kwargs={"pk": referral.pk})
    ).content.decode()
    for shown in (
        "Short breaks and home care",
        "Kerry O&#x27;Brien (principal contact, 07700 900123)",
        "Wheelchair outdoors; hoist for transfers",
        "Resource Allocation Panel",
        "Within a 20-minute drive of home",
        "Home care: term time",
        "Home care: school holidays",
        "Short breaks: all year",
        "1 hour between 07:00 and 08:30",
        "Afternoon, 4 hours",
    ):
        assert shown in page, shown
    assert "Getting to know me" not in page


def test_adding_a_row_first_keeps_what_was_typed_on_the_page(social_worker_client):
    referral = drafting.referral_start(
        social_worker=social_worker_client.user, service="short_break"
    )
    page = reverse("referrals:short-breaks", kwargs={"pk": referral.pk})
    going = social_worker_client.post(
        page, {"travel": "public_transport", "short_break_notes": "Loves the park", "then": "slot"}
    )
    assert going["Location"] == reverse(
        "referrals:slot-add", kwargs={"pk": referral.pk, "service": "short_break"}
    )
    referral.package.refresh_from_db()
    assert (referral.package.travel, referral.package.short_break_notes) == (
        "public_transport",
        "Loves the park",
    )
    summer = social_worker_client.post(page, {"then": "summer", "short_break_notes": "x"})
    assert summer["Location"] == reverse("referrals:summer-add", kwargs={"pk": referral.pk})
