"""Every write to the provider directory, by concept:

- `directory`: providers, specialisms and areas (create, update, archive, restore), each
  leaving field-level history, and the provider snapshot that history compares.
- `imports`: a spreadsheet import as a job (keep, confirm, queue, run, fail, find
  stalled, discard), written through `directory`'s services.

The names callers use are here too: `from providers import services` then
`services.provider_import_confirm(...)`.
"""

from .directory import (
    PROVIDER_FIELDS,
    area_save,
    provider_archive,
    provider_create,
    provider_restore,
    provider_snapshot,
    provider_update,
    specialism_create,
    specialism_update,
)
from .imports import (
    provider_import_apply,
    provider_import_check_stalled,
    provider_import_confirm,
    provider_import_create,
    provider_import_discard,
    provider_import_fail,
    provider_import_run,
)

__all__ = [
    "PROVIDER_FIELDS",
    "area_save",
    "provider_archive",
    "provider_create",
    "provider_import_apply",
    "provider_import_check_stalled",
    "provider_import_confirm",
    "provider_import_create",
    "provider_import_discard",
    "provider_import_fail",
    "provider_import_run",
    "provider_restore",
    "provider_snapshot",
    "provider_update",
    "specialism_create",
    "specialism_update",
]
