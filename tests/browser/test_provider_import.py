"""An administrator imports the sample spreadsheet shipped in the repository,
finds an imported provider and downloads the filtered list."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from approvals.management.commands.seed_demo import SPECIALISMS
from providers.models import Provider, ProviderImport, Specialism
from providers.services import imports as import_services
from tests.providers.builders import csv_bytes, many_rows

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "providers/samples/sample-providers.xlsx"


def test_administrator_imports_the_sample_then_filters_and_exports(
    page, administrator, sign_in, assert_accessible
):
    for name in SPECIALISMS:  # the directory's list, as the demo data has it
        Specialism.objects.get_or_create(name=name)
    sign_in(page, administrator)
    page.goto("/providers/")
    page.get_by_role("link", name="Import a spreadsheet").click()
    assert_accessible(page)
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(SAMPLE)
    page.get_by_role("button", name="Upload and check").click()

    expect(
        page.get_by_role("heading", name="Check the spreadsheet before importing")
    ).to_be_visible()
    assert_accessible(page)
    assert not Provider.objects.exists()  # nothing written before confirming
    # Confirming without deciding about the new specialism is refused.
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    assert not Provider.objects.exists()

    page.get_by_label("Add “Sensory processing difficulties” as a new specialism").check()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "15 providers added"
    )
    assert Provider.objects.count() == 15
    assert Specialism.objects.filter(name="Sensory processing difficulties").exists()

    # The imported directory can be searched and exported.
    first = Provider.objects.order_by("name").first()
    page.get_by_label("Name, reference, URN or email").fill(first.reference)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#provider-count")).to_have_text("1 provider")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [row["Reference"] for row in rows] == [first.reference]
    assert rows[0]["Name"] == first.name


def test_a_large_spreadsheet_is_imported_in_the_background_with_its_progress(
    page, administrator, sign_in, assert_accessible, settings, monkeypatch, tmp_path
):
    """Over the threshold the import is queued; the progress page polls until the
    worker (this test, in its place) has applied every row."""
    settings.PROVIDER_IMPORT_BACKGROUND_ROWS = 3
    queued = []
    monkeypatch.setattr(import_services, "_provider_import_queue", queued.append)
    spreadsheet = tmp_path / "many-providers.csv"
    spreadsheet.write_bytes(csv_bytes(many_rows(8)))
    sign_in(page, administrator)
    page.goto("/providers/import/")
    page.get_by_label("Spreadsheet (CSV or Excel .xlsx)").set_input_files(spreadsheet)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#in-background")).to_contain_text("imported in the background")
    page.get_by_role("button", name="Confirm and import").click()

    expect(page.get_by_role("heading", name="Importing the spreadsheet")).to_be_visible()
    expect(page.locator("#import-state")).to_have_text("Waiting to start")
    expect(page.locator("#import-status")).to_have_attribute("aria-live", "polite")
    assert_accessible(page)
    assert not Provider.objects.exists()

    [import_id] = queued
    import_services.provider_import_run(import_id=import_id)  # what the worker does
    expect(page.locator("#import-state")).to_have_text("Done")  # seen by polling
    expect(page.locator("#count-create")).to_have_text("8")
    expect(page.locator("#count-update")).to_have_text("0")
    assert_accessible(page)
    assert ProviderImport.objects.get().status == ProviderImport.Status.APPLIED
    assert Provider.objects.count() == 8
    page.get_by_role("link", name="Go to the provider directory").click()
    expect(page.locator("#provider-count")).to_have_text("8 providers")
