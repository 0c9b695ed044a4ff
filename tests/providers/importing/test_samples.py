"""The sample spreadsheets the upload page offers: served to administrators, the same rows
in both formats, and importing cleanly."""

import openpyxl
import pytest
from django.urls import reverse

from approvals.management.commands.seed_demo import SPECIALISMS
from providers.importing.checks import check_rows, parse_import
from providers.importing.results import CREATE, Directory
from providers.importing.spreadsheet import read_spreadsheet
from providers.models import Provider, Specialism
from providers.samples.make_samples import HERE as SAMPLES
from providers.samples.make_samples import UNKNOWN_SPECIALISM, sample_rows
from tests.providers.builders import confirm, latest_import, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_sample_files_are_served_to_administrators(administrator_client, extension):
    response = administrator_client.get(reverse("providers:import") + f"?sample={extension}")
    assert response.status_code == 200
    assert f"sample-providers.{extension}" in response["Content-Disposition"]
    assert (
        b"".join(response.streaming_content)
        == (SAMPLES / f"sample-providers.{extension}").read_bytes()
    )


@pytest.mark.parametrize("name", ["sample-providers.csv", "sample-providers.xlsx"])
def test_sample_files_import_with_one_new_specialism(name):
    for specialism in SPECIALISMS:
        Specialism.objects.create(name=specialism)
    result = parse_import((SAMPLES / name).read_bytes(), name)
    assert result.errors == []
    assert result.created_count == len(sample_rows()) == 15
    assert [u.name for u in result.unknown_specialisms] == [UNKNOWN_SPECIALISM]
    assert len(result.unknown_specialisms[0].rows) == 2


def test_sample_files_hold_the_same_rows():
    csv_table = read_spreadsheet(
        (SAMPLES / "sample-providers.csv").read_bytes(), "s.csv", max_rows=100
    )
    xlsx_table = read_spreadsheet(
        (SAMPLES / "sample-providers.xlsx").read_bytes(), "s.xlsx", max_rows=100
    )
    directory = Directory.load()
    from_csv = check_rows(csv_table, directory)
    from_xlsx = check_rows(xlsx_table, directory)
    assert [r.values for r in from_csv.rows] == [r.values for r in from_xlsx.rows]
    assert [r.action for r in from_csv.rows] == [CREATE] * 15
    workbook = openpyxl.load_workbook(SAMPLES / "sample-providers.xlsx", read_only=True)
    assert workbook.sheetnames == ["Providers"]


def test_sample_upload_end_to_end(administrator_client):
    for specialism in SPECIALISMS:
        Specialism.objects.create(name=specialism)
    existing = Specialism.objects.get(name="Autism")
    upload(
        administrator_client,
        (SAMPLES / "sample-providers.xlsx").read_bytes(),
        name="sample-providers.xlsx",
    )
    response = confirm(
        administrator_client,
        latest_import(),
        specialism_0="existing",
        specialism_0_existing=str(existing.pk),
    )
    assert response.status_code == 302
    assert Provider.objects.count() == 15
    assert Specialism.objects.count() == len(SPECIALISMS)
    assert Provider.objects.filter(specialisms=existing).count() >= 2
