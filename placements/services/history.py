"""Field history: who changed which field, from what to what, shown on the pages that
keep it (append-only in the database)."""

from collections.abc import Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from ..models import (
    FieldChange,
    User,
)


def shown_value(instance: models.Model, name: str) -> str:
    """A field's value as a person reads it in history: choice labels, Yes or No,
    dates in words, lists joined."""
    value = getattr(instance, name)
    if value is None or value == "":
        return ""
    field = instance._meta.get_field(name)
    if isinstance(field, models.Field) and field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(value)
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def _column_width(model: type[models.Model], name: str) -> int:
    """The most characters a model's text column holds."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise TypeError(f"{model.__name__}.{name} is not a text column with a length")
    return field.max_length


def _fit_label(label: str, limit: int = _column_width(FieldChange, "field")) -> str:
    """A history label that fits its column: "Long Child Name: Health" keeps the field's
    name whole and shortens who it is about."""
    if len(label) <= limit:
        return label
    who, sep, what = label.rpartition(": ")
    if not sep or len(what) > limit - 5:
        return label[: limit - 1] + "…"
    return who[: limit - len(what) - 3] + "…" + sep + what


def field_changes_record(
    *,
    instance: models.Model,
    before: Mapping[str, str],
    after: Mapping[str, str],
    actor: User | None,
    source: str = "edit",
) -> list[FieldChange]:
    """Append one FieldChange per label whose shown value differs (`actor` None: a change
    the service made itself, or one from the server's command line)."""
    return field_changes_record_many([(instance, before, after)], actor=actor, source=source)


def field_changes_record_many(
    changes: Iterable[tuple[models.Model, Mapping[str, str], Mapping[str, str]]],
    *,
    actor: User | None,
    source: str = "edit",
) -> list[FieldChange]:
    """`field_changes_record` for many records at once (instance, before, after), in one
    insert: for a feed that changes hundreds of records together."""
    now = timezone.now()
    rows = [
        FieldChange(
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            field=_fit_label(label),
            old_value=before.get(label, ""),
            new_value=after.get(label, ""),
            actor=actor,
            source=source,
            is_creation=not before,
            changed_at=now,
        )
        for instance, before, after in changes
        for label in after
        if before.get(label, "") != after.get(label, "")
    ]
    return FieldChange.objects.bulk_create(rows, batch_size=500)
