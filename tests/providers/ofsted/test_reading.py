"""Reading Ofsted's files as published: the heading row wherever it is, columns found by
their headings, any encoding a CSV comes in, ODS (and XLSX) through a spreadsheet
library, and a clear refusal of anything else."""

import datetime as dt
import io

import pytest

from providers.importing.spreadsheet import ImportFileError
from providers.models import OfstedRating, RegistrationStatus
from providers.ofsted.reading import read_ofsted_file
from providers.ofsted.rows import read_rows
from providers.samples.make_ofsted_samples import HERE as SAMPLES
from providers.samples.make_ofsted_samples import ods_bytes, sample_rows
from tests.providers.builders import OFSTED_HEADINGS, ofsted_csv, ofsted_row


def rows_of(content: bytes, filename="ofsted.csv"):
    return read_rows(read_ofsted_file(content, filename, max_rows=1000))


def test_the_heading_row_is_found_below_a_title_and_its_row_numbers_are_the_files():
    rows = rows_of(ofsted_csv([ofsted_row("SC100001"), ofsted_row("SC100002")]))
    assert [(r.number, r.urn) for r in rows] == [(5, "SC100001"), (6, "SC100002")]


def test_columns_are_found_by_heading_in_any_order_with_others_left_alone():
    shuffled = ["Ofsted region", *reversed(OFSTED_HEADINGS), "Sector"]
    [row] = rows_of(
        ofsted_csv([ofsted_row("SC100001", Setting_name="Oak House")], headings=shuffled)
    )
    assert (row.urn, row.name, row.rating) == ("SC100001", "Oak House", OfstedRating.GOOD)
    assert row.places == 4 and row.owner == "Beacon Care Group Ltd"


def test_the_provision_type_column_is_taken_over_the_provider_type_column():
    [row] = rows_of(
        ofsted_csv([ofsted_row("SC100001", Provision_type="Independent fostering agency")])
    )
    assert row.provision_type == "Independent fostering agency"


def test_a_windows_1252_csv_reads_its_accents_and_curly_quotes():
    name = "St Brigid\u2019s \u2013 Café House"
    content = ofsted_csv([ofsted_row("SC100001", Setting_name=name)], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really not UTF-8
    [row] = rows_of(content)
    assert row.name == name


def test_a_utf8_csv_with_a_byte_order_mark_reads_too():
    content = "\ufeff".encode() + ofsted_csv(
        [ofsted_row("SC100001")], title=False, encoding="utf-8"
    )
    [row] = rows_of(content)
    assert row.urn == "SC100001" and row.number == 2


def test_a_utf16_tab_separated_file_as_excel_saves_unicode_text_reads_too():
    text = "URN\tSetting name\tOverall effectiveness\r\nSC100001\tÉcole House\tGood\r\n"
    [row] = rows_of(text.encode("utf-16"))
    assert (row.urn, row.name, row.rating) == ("SC100001", "École House", OfstedRating.GOOD)


def test_an_ods_file_with_a_cover_sheet_reads_its_data_sheet_with_dates_and_numbers():
    inspected = dt.date(2026, 3, 4)
    content = ods_bytes(
        {
            "Cover": [["Ofsted data"], ["URN is explained on the next sheet"]],
            "Provider level data": [
                ["Notes above the data"],
                ["URN", "Setting name", "Places", "Inspection date", "Overall effectiveness"],
                [123456, "Elm House", 3, inspected, "Requires improvement to be good"],
            ],
        }
    )
    [row] = rows_of(content, "data.ods")
    assert (row.number, row.urn, row.name, row.places) == (3, "123456", "Elm House", 3)
    assert row.inspection_date == inspected
    assert row.rating == OfstedRating.REQUIRES_IMPROVEMENT


def test_the_shipped_samples_read_the_same_in_both_formats():
    from_csv = rows_of((SAMPLES / "sample-ofsted.csv").read_bytes())
    from_ods = rows_of((SAMPLES / "sample-ofsted.ods").read_bytes(), "sample-ofsted.ods")
    assert len(from_csv) == len(from_ods) == len(sample_rows()) == 30
    assert not [r.problems for r in from_csv + from_ods if r.problems]
    fields = ("urn", "name", "rating", "inspection_date", "registration_status", "places")
    assert [tuple(getattr(r, f) for f in fields) for r in from_csv] == [
        tuple(getattr(r, f) for f in fields) for r in from_ods
    ]
    assert {r.registration_status for r in from_csv} == {
        RegistrationStatus.ACTIVE,
        RegistrationStatus.SUSPENDED,
        RegistrationStatus.CLOSED,
    }


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "ofsted.csv", "The selected file is empty"),
        (b"Name,Rating\nOak,Good\n", "ofsted.csv", "with a “URN” column"),
        (b"URN,Setting name\nSC1,Oak\n", "ofsted.csv", "has no “Overall experiences"),
        (b"%PDF-1.7 rest", "ofsted.csv", "it looks like a PDF"),
        (b"not a zip", "ofsted.ods", "could not be opened as a spreadsheet"),
        (b"URN,Overall effectiveness\n", "ofsted.txt", "must be a CSV or ODS file"),
        (b"URN,Overall effectiveness\n\n,\n", "ofsted.csv", "no settings under them"),
    ],
)
def test_files_that_are_not_ofsteds_data_are_refused_with_the_reason(content, filename, message):
    with pytest.raises(ImportFileError, match=message):
        read_ofsted_file(content, filename, max_rows=100)


def test_too_many_rows_are_refused():
    rows = [ofsted_row(f"SC{100000 + n}") for n in range(6)]
    with pytest.raises(ImportFileError, match="more than 5 rows"):
        read_ofsted_file(ofsted_csv(rows), "ofsted.csv", max_rows=5)


def test_a_tiny_spreadsheet_that_repeats_a_cell_millions_of_times_is_refused():
    """ODS repeats a row or a cell with one attribute: a 1 KB file of ten million cells."""
    import re
    import zipfile

    from providers.samples.make_ofsted_samples import ods_bytes

    small = ods_bytes({"Data": [["URN", "Overall effectiveness"], ["x", "y"]]})
    source = zipfile.ZipFile(io.BytesIO(small))
    content = source.read("content.xml").decode()
    repeated = (
        '<table:table-row table:number-rows-repeated="100000">'
        '<table:table-cell table:number-columns-repeated="100" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
    )
    content = re.sub(r"(</table:table>)", repeated + r"\1", content)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = content if item.filename == "content.xml" else source.read(item.filename)
            target.writestr(item, data)
    assert len(out.getvalue()) < 5000
    with pytest.raises(ImportFileError, match="too large to read"):
        read_ofsted_file(out.getvalue(), "big.ods", max_rows=20000)


def test_a_csv_of_many_lines_stops_at_the_row_limit_without_reading_them_all():
    content = b"URN,Overall effectiveness\n" + b"SC1,Good\n" * 300_000
    with pytest.raises(ImportFileError, match="more than 20,000 rows"):
        read_ofsted_file(content, "many.csv", max_rows=20000)


def test_a_broken_utf16_file_is_refused_on_the_form():
    with pytest.raises(ImportFileError, match="could not be read as text"):
        read_ofsted_file(b"\xff\xfeU\x00R\x00N", "odd.csv", max_rows=10)
