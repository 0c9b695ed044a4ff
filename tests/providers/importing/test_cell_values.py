"""What a cell's value imports as: Excel's own dates and numbers, labels or stored values
in any case, our export's apostrophe, phone numbers."""

import datetime as dt

import pytest

from providers.models import FrameworkStatus, OfstedRating, Provider
from tests.providers.builders import (
    confirm,
    csv_bytes,
    latest_import,
    sheet_row,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def test_xlsx_with_real_excel_dates_and_numbers(administrator_client):
    row = sheet_row(Tier=2, Age_from=5, Age_to=17.0, Capacity=6, Vacancies=0)
    row["Ofsted inspection date"] = dt.datetime(2026, 11, 2)
    row["Initial QA visit"] = dt.date(2025, 1, 31)
    row["Latest annual QA visit"] = None
    upload(administrator_client, xlsx_bytes([row]), name="providers.xlsx")
    response = confirm(administrator_client, latest_import())
    assert response.status_code == 302
    provider = Provider.objects.get(reference="IMP-001")
    assert provider.tier == 2 and provider.age_from == 5 and provider.age_to == 17
    assert provider.ofsted_inspection_date == dt.date(2026, 11, 2)
    assert provider.qa_initial_visit_date == dt.date(2025, 1, 31)
    assert provider.qa_latest_annual_visit_date is None


def test_labels_or_stored_values_in_any_case(administrator_client):
    rows = [
        sheet_row(
            Type="RESIDENTIAL",
            Tier="Tier 2",
            In_house="yes",
            Categories="residential care: off_framework",
            Ofsted_rating="requires improvement",
            RI_exception_agreed_by="Hugh Pemberton, Head of Service",
            RI_exception_agreed_on="2026-10-01",
            Genders="girls and young women only",
            Referral_emails="A@one.example, b@two.example; a@one.example",
            Status="active",
        ),
        sheet_row(
            Reference="IMP-002",
            Ofsted_URN="sc800002",
            Type="Independent fostering agency",
            Ofsted_rating="OUTSTANDING",
            Genders="male",
            Vacancies="",
        ),
    ]
    upload(administrator_client, csv_bytes(rows))
    assert confirm(administrator_client, latest_import()).status_code == 302
    first = Provider.objects.get(reference="IMP-001")
    assert first.provider_type == "residential"
    assert first.tier == 2 and first.is_in_house
    assert first.provider_categories.get().framework_status == FrameworkStatus.OFF_FRAMEWORK
    assert first.ofsted_rating == OfstedRating.REQUIRES_IMPROVEMENT
    assert first.ri_exception_agreed_on == dt.date(2026, 10, 1)
    assert first.genders == "female"
    assert first.referral_emails == ["a@one.example", "b@two.example"]
    second = Provider.objects.get(reference="IMP-002")
    assert second.ofsted_urn == "SC800002"
    assert second.ofsted_rating == OfstedRating.OUTSTANDING
    assert second.genders == "male" and second.vacancies == 0


def test_leading_apostrophe_from_our_export_is_stripped(administrator_client):
    row = sheet_row(Notes="'=not a formula", Phone="'+44 1632 960000", Name="'-Dash Homes")
    upload(administrator_client, csv_bytes([row]))
    assert confirm(administrator_client, latest_import()).status_code == 302
    provider = Provider.objects.get(reference="IMP-001")
    assert provider.notes == "=not a formula"
    assert provider.phone == "+44 1632 960000"
    assert provider.name == "-Dash Homes"


def test_plain_phone_and_negative_looking_numbers_are_not_formulas(administrator_client):
    upload(administrator_client, csv_bytes([sheet_row(Phone="+44 (0)1632 960000")]))
    assert confirm(administrator_client, latest_import()).status_code == 302
    assert Provider.objects.get().phone == "+44 (0)1632 960000"
