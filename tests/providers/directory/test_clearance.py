import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from providers.models import OfstedRating, Provider, RegistrationStatus, cleared_to_place_q
from tests.providers.factories import ProviderFactory

TODAY = dt.date(2026, 11, 23)


def provider(**overrides) -> Provider:
    values = {
        "ofsted_rating": OfstedRating.GOOD,
        "qa_initial_visit_date": TODAY - dt.timedelta(days=30),
        "qa_latest_annual_visit_date": None,
        "ri_exception_agreed_on": None,
    }
    values.update(overrides)
    return Provider(**values)


def test_good_with_recent_visit_is_cleared():
    clearance = provider().clearance(on=TODAY)
    assert clearance.cleared
    assert clearance.reasons == ()


@pytest.mark.parametrize(
    "rating",
    [OfstedRating.REQUIRES_IMPROVEMENT, OfstedRating.INADEQUATE, OfstedRating.NOT_YET_INSPECTED],
)
def test_rating_below_good_is_not_cleared_without_ri_exception(rating):
    clearance = provider(ofsted_rating=rating).clearance(on=TODAY)
    assert not clearance.cleared
    assert "no RI-process exception" in clearance.reasons[0]


def test_requires_improvement_with_ri_exception_is_cleared():
    clearance = provider(
        ofsted_rating=OfstedRating.REQUIRES_IMPROVEMENT, ri_exception_agreed_on=TODAY
    ).clearance(on=TODAY)
    assert clearance.cleared


def test_no_initial_visit_is_not_cleared():
    clearance = provider(qa_initial_visit_date=None).clearance(on=TODAY)
    assert clearance.reasons == ("No initial QA visit recorded",)


def test_visit_exactly_twelve_months_ago_still_counts_and_a_day_more_does_not():
    assert provider(qa_initial_visit_date=dt.date(2025, 11, 23)).clearance(on=TODAY).cleared
    stale = provider(qa_initial_visit_date=dt.date(2025, 11, 22)).clearance(on=TODAY)
    assert stale.reasons == ("QA visit out of date (last visit 22 November 2025)",)


def test_recent_annual_visit_renews_an_old_initial_visit():
    old = TODAY - dt.timedelta(days=900)
    recent = TODAY - dt.timedelta(days=10)
    assert (
        provider(qa_initial_visit_date=old, qa_latest_annual_visit_date=recent)
        .clearance(on=TODAY)
        .cleared
    )


dates = st.one_of(st.none(), st.dates(min_value=dt.date(2022, 1, 1), max_value=TODAY))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(
    rating=st.sampled_from(OfstedRating.values),
    initial=dates,
    annual=dates,
    ri=st.one_of(st.none(), st.just(TODAY)),
    registration=st.sampled_from(RegistrationStatus.values),
)
def test_database_rule_agrees_with_python_rule(rating, initial, annual, ri, registration):
    """The list filter (SQL) and the tag on each row (Python) must never disagree."""
    Provider.objects.all().delete()
    created = ProviderFactory(
        ofsted_rating=rating,
        qa_initial_visit_date=initial,
        qa_latest_annual_visit_date=annual,
        ri_exception_agreed_on=ri,
        ri_exception_agreed_by="Head of Service" if ri else "",
        ofsted_registration_status=registration,
    )
    in_sql = Provider.objects.filter(cleared_to_place_q(on=TODAY), pk=created.pk).exists()
    assert in_sql == created.clearance(on=TODAY).cleared
