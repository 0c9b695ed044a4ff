"""Checking what people upload: a PDF that could run something when it is opened."""

import io
from typing import Any

from pypdf import PdfReader

# What a PDF can carry that runs or opens something when it is read.
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/SubmitForm"}


def pdf_active_content(content: bytes) -> list[str]:
    """What in an uploaded PDF could run or smuggle something to the officer who opens
    it: JavaScript, actions run on opening, launched files, embedded files, XFA forms.
    An unreadable or password-protected file is reported too. Empty means clean."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return ["a password"]
        found = set()
        # As the file has it, whatever its shape: whatever raises is caught below.
        root: Any = reader.trailer["/Root"]
        if "/OpenAction" in root or "/AA" in root:
            found.add("an action on opening")
        names = root.get("/Names")
        if names is not None:
            names = names.get_object()
            if "/JavaScript" in names:
                found.add("JavaScript")
            if "/EmbeddedFiles" in names:
                found.add("embedded files")
        acroform = root.get("/AcroForm")
        if acroform is not None and "/XFA" in acroform.get_object():
            found.add("an XFA form")
        for page in reader.pages:
            if "/AA" in page:
                found.add("an action on a page")
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                if annotation.get("/Subtype") == "/FileAttachment":
                    found.add("embedded files")
                action = annotation.get("/A")
                if action is not None and action.get_object().get("/S") in _ACTIVE_ACTIONS:
                    found.add("JavaScript or a launched file")
                if "/AA" in annotation:
                    found.add("an action on a page")
        return sorted(found)
    except Exception:  # any parser failure: we cannot vouch for the file
        return ["content that cannot be read as a PDF"]
