"""What a row of Ofsted's data says, and what makes a row unreadable."""

import datetime as dt

import pytest

from providers.models import OfstedRating, RegistrationStatus
from providers.ofsted.reading import read_ofsted_file
from providers.ofsted.rows import read_rows
from tests.providers.builders import ofsted_csv, ofsted_row


def one_row(**values):
    content = ofsted_csv([ofsted_row(values.pop("urn", "SC100001"), **values)])
    [row] = read_rows(read_ofsted_file(content, "ofsted.csv", max_rows=10))
    return row


@pytest.mark.parametrize(
    ("given", "rating"),
    [
        ("Outstanding", OfstedRating.OUTSTANDING),
        ("good", OfstedRating.GOOD),
        ("Requires improvement to be good", OfstedRating.REQUIRES_IMPROVEMENT),
        ("Requires Improvement", OfstedRating.REQUIRES_IMPROVEMENT),
        ("Inadequate", OfstedRating.INADEQUATE),
        ("4", OfstedRating.INADEQUATE),
        ("1", OfstedRating.OUTSTANDING),
        ("", ""),
        ("Not yet inspected", ""),
        ("N/A", ""),
    ],
)
def test_ratings_in_ofsteds_words_or_grades(given, rating):
    row = one_row(Overall=given)
    assert (row.rating, row.problems) == (rating, [])


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ("Active", RegistrationStatus.ACTIVE),
        ("Suspended", RegistrationStatus.SUSPENDED),
        ("Resigned", RegistrationStatus.CLOSED),
        ("Cancelled", RegistrationStatus.CLOSED),
        ("", RegistrationStatus.UNKNOWN),
    ],
)
def test_registration_statuses(given, status):
    row = one_row(Registration_status=given)
    assert (row.registration_status, row.problems) == (status, [])


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"Overall": "Met"}, "The rating “Met” is not one of Ofsted's"),
        ({"Registration_status": "Dormant"}, "registration status “Dormant” is not one"),
        ({"urn": ""}, "The URN is blank"),
        ({"urn": "ABC"}, "The URN “ABC” is not an Ofsted URN"),
        ({"Inspection_date": "31/02/2026"}, "The inspection date “31/02/2026” is not a date"),
        ({"Publication_date": "soon"}, "The publication date “soon” is not a date"),
        ({"Places": "four"}, "Places “four” is not a whole number"),
    ],
)
def test_a_row_that_cannot_be_read_says_why(values, problem):
    assert problem in " ".join(one_row(**values).problems)


@pytest.mark.parametrize("given", ["14/09/2026", "2026-09-14", "14 September 2026", "14/09/26"])
def test_dates_in_the_forms_ofsteds_files_use(given):
    assert one_row(Inspection_date=given).inspection_date == dt.date(2026, 9, 14)


def test_urns_are_read_in_capitals_without_spaces():
    assert one_row(urn=" sc 100001 ").urn == "SC100001"


def test_a_nul_character_is_dropped_from_text():
    from providers.samples.make_ofsted_samples import ods_bytes

    grid = [["URN", "Setting name", "Overall effectiveness"], ["SC100001", "Oak\x00 House", "Good"]]
    content = ods_bytes({"Data": grid})
    [row] = read_rows(read_ofsted_file(content, "ofsted.ods", max_rows=10))
    assert row.name == "Oak House"
