"""An uploaded PDF with anything in it that could run is refused, however it is hidden:
chained after a harmless action, on a form field, as embedded media."""

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from placements.uploads import pdf_active_content
from tests.providers.builders import blank_pdf


def with_link(action: DictionaryObject) -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): action,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind: str, **more) -> DictionaryObject:
    made = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in more.items():
        made[NameObject(f"/{key}")] = value
    return made


def test_a_plain_pdf_and_a_web_link_are_clean():
    assert pdf_active_content(blank_pdf()) == []
    uri = action("/URI", URI=TextStringObject("https://www.gov.uk/"))
    assert pdf_active_content(with_link(uri)) == []


@pytest.mark.parametrize(
    "link",
    [
        action("/JavaScript", JS=TextStringObject("app.alert(1)")),
        action("/URI", URI=TextStringObject("https://x.example"), Next=action("/JavaScript")),
        action("/GoTo", Next=ArrayObject([action("/URI"), action("/Launch")])),
        action("/SubmitForm"),
    ],
    ids=["javascript", "chained-after-a-link", "chained-in-a-list", "submit-form"],
)
def test_an_action_that_runs_something_is_found_however_it_is_chained(link):
    assert pdf_active_content(with_link(link)) == ["JavaScript or a launched file"]
