"""A spreadsheet is read once, at upload; the preview and the import check the rows kept
then (against the directory as it is now), never the file again."""

import datetime as dt

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from providers.forms import imports as import_forms
from providers.importing import spreadsheet
from providers.importing.checks import check_rows
from providers.importing.results import Directory
from providers.importing.spreadsheet import table_from_json, table_to_json
from providers.models import Provider, ProviderImport
from tests.providers.builders import (
    confirm,
    csv_bytes,
    latest_import,
    sheet_row,
    upload,
    xlsx_bytes,
)
from tests.providers.factories import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def readings(monkeypatch):
    """Counts every time a spreadsheet file is read (CSV or Excel)."""
    calls = []
    for name in ("_read_csv", "_read_xlsx"):
        reader = getattr(spreadsheet, name)

        def counted(*args, _reader=reader, **kwargs):
            calls.append(_reader)
            return _reader(*args, **kwargs)

        monkeypatch.setattr(spreadsheet, name, counted)
    return calls


@pytest.mark.parametrize(("name", "make"), [("p.csv", csv_bytes), ("p.xlsx", xlsx_bytes)])
def test_the_file_is_read_once_across_upload_preview_and_confirm(
    administrator_client, readings, name, make
):
    upload(administrator_client, make([sheet_row()]), name=name)
    provider_import = latest_import()
    url = reverse("providers:import-preview", args=[provider_import.pk])
    assert administrator_client.get(url).status_code == 200
    assert administrator_client.get(url).status_code == 200
    assert confirm(administrator_client, provider_import).status_code == 302
    assert len(readings) == 1
    assert Provider.objects.get().name == "Hillside Fostering"


def test_preview_and_confirm_use_the_kept_rows_not_the_file(administrator_client, monkeypatch):
    """The file is not kept: once uploaded, nothing can read it again."""
    upload(administrator_client, csv_bytes([sheet_row(Name="Kept rows")]))
    provider_import = latest_import()
    with pytest.raises(FieldDoesNotExist):
        ProviderImport._meta.get_field("content")

    def unreadable(*args, **kwargs):
        raise AssertionError("the spreadsheet was read again")

    monkeypatch.setattr(spreadsheet, "_read_csv", unreadable)
    monkeypatch.setattr(spreadsheet, "_read_xlsx", unreadable)
    monkeypatch.setattr(import_forms, "read_spreadsheet", unreadable)
    preview = administrator_client.get(
        reverse("providers:import-preview", args=[provider_import.pk])
    )
    assert preview.context["result"].created_count == 1
    assert confirm(administrator_client, provider_import).status_code == 302
    assert Provider.objects.get().name == "Kept rows"


def test_the_preview_checks_the_kept_rows_against_the_directory_now(administrator_client):
    upload(administrator_client, csv_bytes([sheet_row(Reference="NEW-1", Ofsted_URN="")]))
    provider_import = latest_import()
    url = reverse("providers:import-preview", args=[provider_import.pk])
    assert administrator_client.get(url).context["result"].created_count == 1
    ProviderFactory(reference="NEW-1", ofsted_urn="")  # added by hand meanwhile
    assert administrator_client.get(url).context["result"].updated_count == 1


def test_kept_cells_keep_their_types():
    """Dates, numbers, formulas and error cells from Excel check the same after keeping."""
    content = xlsx_bytes(
        [
            sheet_row(
                Ofsted_inspection_date=dt.datetime(2025, 6, 12),
                Capacity=10,
                Vacancies=2.0,
                In_house=True,
            ),
            sheet_row(Reference="F-1", Ofsted_URN="SC800002", Capacity="=2+2"),
        ]
    )
    table = spreadsheet.read_spreadsheet(content, "p.xlsx", max_rows=10)
    table.rows[1][1][1] = spreadsheet.RawCell(value="#DIV/0!", is_error=True)
    kept = table_from_json(table_to_json(table))
    assert kept == table
    directory = Directory.load()
    direct, from_kept = check_rows(table, directory), check_rows(kept, directory)
    assert [r.values for r in from_kept.rows] == [r.values for r in direct.rows]
    assert from_kept.errors == direct.errors
    assert {e.column for e in direct.errors} == {"Name", "Capacity"}
