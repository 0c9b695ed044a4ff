"""The directory's forms, by concept: `directory` (a provider, a specialism) and
`imports` (a spreadsheet's upload and the choices its preview asks for)."""

from .directory import ProviderForm, SpecialismForm, parse_email_list
from .imports import ProviderImportUploadForm, SpecialismDecisionsForm

__all__ = [
    "ProviderForm",
    "ProviderImportUploadForm",
    "SpecialismDecisionsForm",
    "SpecialismForm",
    "parse_email_list",
]
