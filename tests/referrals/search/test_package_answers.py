"""Part B: a provider covers all of a package's weekly pattern or part of it, at its
hourly rates (a higher rate for unsocial hours or two carers), and the weekly cost of
each kind of week is hours times rate, to the penny."""

from decimal import Decimal

import pytest
from django.urls import reverse

from placements.roles import Role
from placements.services import DomainError
from providers.services import area_save
from referrals.models import CoveredSlot, ScheduleSlot
from referrals.packages.costing import answer_weeks, week_costs
from referrals.search import answers, rounds
from tests.journeys import lot_provider, searchable_package
from tests.referrals.conftest import links_in_outbox

D = Decimal


@pytest.fixture
def package_round(social_worker, officer, make_user):
    city = area_save(name="City", districts="LE1", actor=make_user(Role.ADMINISTRATOR))
    lot_provider("home-care", areas=[city], name="Care A")
    lot_provider("home-care", areas=[city], name="Care B")
    referral = searchable_package(social_worker, officer)
    [started] = rounds.round_start(referral=referral, kind="framework", actor=officer)
    return rounds.round_send(search_round=started, actor=officer)


def request_of(search_round, name):
    return search_round.requests.get(provider__name=name)


def rows(search_round, period=None):
    slots = search_round.referral.schedule.order_by("period", "day", "starts")
    return list(slots.filter(period=period) if period else slots)


def offer_values(**overrides):
    import datetime as dt

    from django.utils import timezone

    values = {
        "carer_reference": "Team North 4",
        "hourly_rate": D("18.50"),
        "unsocial_hourly_rate": None,
        "two_carer_hourly_rate": None,
        "available_from": timezone.localdate() + dt.timedelta(days=7),
        "needs_met": "Two regular carers trained in moving and handling.",
    }
    values.update(overrides)
    return values


def test_covering_the_whole_pattern_costs_each_week_at_the_rate(package_round):
    request = request_of(package_round, "Care A")
    covered = {slot.pk: "standard" for slot in rows(package_round)}
    answer = answers.package_offer_make(
        provider_request=request, responder_name="Pat", values=offer_values(), covered=covered
    )
    weeks = {w.period: w for w in answer_weeks(answer, rows(package_round))}
    # Term time: five mornings of 1 hour and two evenings of 2 hours = 9 hours.
    assert (weeks["term"].asked_hours, weeks["term"].covered_hours) == (D(9), D(9))
    assert weeks["term"].cost == D("166.50")
    # The holidays: three mornings of 3 hours.
    assert weeks["holiday"].cost == D("166.50")
    assert answer.weekly_fee == D("166.50")
    request.refresh_from_db()
    assert request.answer == "offer"


def test_part_of_the_pattern_at_a_higher_rate_for_unsocial_hours(package_round):
    request = request_of(package_round, "Care B")
    term = rows(package_round, "term")
    evenings = [s for s in term if s.starts.hour == 16]
    covered = {s.pk: "unsocial" for s in evenings}
    answer = answers.package_offer_make(
        provider_request=request,
        responder_name="Sam",
        values=offer_values(hourly_rate=D("17.00"), unsocial_hourly_rate=D("21.35")),
        covered=covered,
    )
    weeks = {w.period: w for w in answer_weeks(answer, rows(package_round))}
    assert (weeks["term"].covered_hours, weeks["term"].covers_all) == (D(4), False)
    assert weeks["term"].cost == D("85.40")  # 4 hours at £21.35
    assert (weeks["holiday"].covered_hours, weeks["holiday"].cost) == (D(0), D("0.00"))
    assert answer.weekly_fee == D("85.40")


def test_a_rate_used_must_be_given_and_something_must_be_covered(package_round):
    request = request_of(package_round, "Care A")
    morning = rows(package_round, "term")[0]
    with pytest.raises(DomainError, match="unsocial hours rate an hour"):
        answers.package_offer_make(
            provider_request=request,
            responder_name="Pat",
            values=offer_values(),
            covered={morning.pk: "unsocial"},
        )
    with pytest.raises(DomainError, match="Choose the days and times you can cover"):
        answers.package_offer_make(
            provider_request=request, responder_name="Pat", values=offer_values(), covered={}
        )
    with pytest.raises(DomainError, match="Choose from the days and times asked for"):
        answers.package_offer_make(
            provider_request=request,
            responder_name="Pat",
            values=offer_values(),
            covered={999999: "standard"},
        )
    assert not CoveredSlot.objects.exists()


def test_a_placement_offer_is_refused_on_a_package_round(package_round):
    from tests.journeys import offer_values as placement_offer

    with pytest.raises(DomainError, match="support at home"):
        answers.offer_make(
            provider_request=request_of(package_round, "Care A"),
            responder_name="Pat",
            values=placement_offer(D("900")),
        )


def test_an_all_year_pattern_is_one_kind_of_week():
    slot = ScheduleSlot(pk=1, service="short_break", period="all_year", day=5, hours=D("4"))
    slot.part_of_day = "afternoon"
    [week] = week_costs([slot], {1: "two_carers"}, {"two_carers": D("30.125")})
    assert (week.label, week.cost) == ("A week", D("120.50"))


def test_the_provider_answers_part_b_through_its_link(package_round, client):
    token = links_in_outbox("provider_request")[
        request_of(package_round, "Care A").provider.referral_emails[0]
    ]
    page = client.get(reverse("respond:page", kwargs={"token": token})).content.decode()
    assert "Request for support: home care" in page
    assert "Home care: term time" in page and "1 hour between 07:00 and 08:30" in page
    assert "Kerry" not in page and "07700 900123" not in page
    form = client.get(reverse("respond:offer", kwargs={"token": token})).content.decode()
    assert "The days and times you can cover" in form
    term, holiday = rows(package_round, "term"), rows(package_round, "holiday")
    data = {
        "responder_name": "Pat Provider",
        "carer_reference": "North 4",
        "hourly_rate": "£18.50",
        "available_from_0": "1",
        "available_from_1": "1",
        "available_from_2": "2099",
        "needs_met": "Regular carers",
        **{f"row_{s.pk}": "standard" for s in term},
        **{f"row_{s.pk}": "" for s in holiday},
    }
    refused = client.post(
        reverse("respond:offer", kwargs={"token": token}),
        {**data, f"row_{term[0].pk}": "two_carers"},
    )
    assert "Enter your two carers rate an hour" in refused.content.decode()
    sent = client.post(reverse("respond:offer", kwargs={"token": token}), data)
    assert sent.status_code == 302
    page = client.get(reverse("respond:page", kwargs={"token": token})).content.decode()
    assert "A term-time week" in page and "9 of 9 hours, £166.50" in page
    assert "A school-holiday week" in page and "0 of 9 hours, £0.00" in page
