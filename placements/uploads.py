"""Checking what people upload: a PDF that could run something when it is opened."""

import io
from typing import Any

from pypdf import PdfReader

# The only actions a link in an uploaded PDF may take: open an address, go to a page.
# Anything else (JavaScript, launching a file, importing or submitting data, media), and
# anything chained after an allowed action (`/Next`), is reported.
_SAFE_ACTIONS = {"/URI", "/GoTo"}
_MEDIA = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
# However a file chains its actions, no more of them are followed than this.
_MOST_ACTIONS = 200


def _unsafe_action(action: Any) -> bool:
    """Whether an action, or any action chained after it, is outside `_SAFE_ACTIONS`."""
    pending, seen = [action], 0
    while pending:
        seen += 1
        if seen > _MOST_ACTIONS:
            return True
        item = pending.pop().get_object()
        if isinstance(item, list):
            pending.extend(item)
            continue
        if item.get("/S") not in _SAFE_ACTIONS:
            return True
        chained = item.get("/Next")
        if chained is not None:
            pending.append(chained)
    return False


def _form_fields(acroform: Any) -> list[Any]:
    fields: list[Any] = []
    pending = list(acroform.get("/Fields") or [])
    while pending and len(fields) < 5000:
        field = pending.pop().get_object()
        fields.append(field)
        pending.extend(field.get("/Kids") or [])
    return fields


def pdf_active_content(content: bytes) -> list[str]:
    """What in an uploaded PDF could run or smuggle something to the officer who opens
    it: JavaScript, actions run on opening, launched files, embedded files and media,
    XFA forms, actions on form fields. An unreadable or password-protected file is
    reported too. Empty means clean."""
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
        if acroform is not None:
            acroform = acroform.get_object()
            if "/XFA" in acroform:
                found.add("an XFA form")
            if any("/AA" in field or "/A" in field for field in _form_fields(acroform)):
                found.add("an action on a form field")
        for page in reader.pages:
            if "/AA" in page:
                found.add("an action on a page")
            for annotation in page.get("/Annots") or []:
                annotation = annotation.get_object()
                subtype = annotation.get("/Subtype")
                if subtype == "/FileAttachment":
                    found.add("embedded files")
                if subtype in _MEDIA:
                    found.add("embedded media")
                action = annotation.get("/A")
                if action is not None and _unsafe_action(action):
                    found.add("JavaScript or a launched file")
                if "/AA" in annotation:
                    found.add("an action on a page")
        return sorted(found)
    except Exception:  # any parser failure: we cannot vouch for the file
        return ["content that cannot be read as a PDF"]
