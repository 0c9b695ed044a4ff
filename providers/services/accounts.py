"""Provider accounts: the organisations providers sign in to, and what they keep through
them: each setting's vacancies, its profile (at once, or, for what decides whether it
may be asked at all, once an administrator approves) and its documents. Whoever signs
in is known by the address they signed in with (`email`); history names it."""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from placements.models import User
from placements.services import DomainError
from placements.uploads import pdf_active_content

from ..models import (
    Category,
    FrameworkStatus,
    Organisation,
    OrganisationEmail,
    Provider,
    ProviderChangeRequest,
    ProviderDocument,
    Specialism,
    Tier,
    Vacancy,
)
from .directory import provider_update, providers_fields_update

# What a provider may change at once through its account, and what waits for approval.
PROFILE_FIELDS = ("age_from", "age_to", "genders", "referral_emails", "phone")
ELIGIBILITY_FIELDS = ("ofsted_urn", "tier", "categories")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def provider_source(email: str) -> str:
    """How history names a change made through a provider's account."""
    return f"provider account: {email}"[:120]


# --- Organisations (the council's administrators) --------------------------------------


@transaction.atomic
def organisation_save(
    *,
    name: str,
    emails: Sequence[str],
    references: Sequence[str],
    actor: User,
    organisation: Organisation | None = None,
    is_active: bool = True,
) -> Organisation:
    """Add an organisation's account, or change one: its name, the addresses that may
    sign in, and its settings by their directory references."""
    name = " ".join(name.split())
    same = Organisation.objects.filter(name__iexact=name)
    if (same.exclude(pk=organisation.pk) if organisation else same).exists():
        raise DomainError(f"There is already an organisation called {name}")
    emails = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not emails:
        raise DomainError("Enter at least one email address that may sign in")
    staff = User.objects.filter(email__in=emails).values_list("email", flat=True).first()
    if staff:
        raise DomainError(
            f"{staff} is a council user's address: a provider account is for the provider's "
            "own people"
        )
    taken = OrganisationEmail.objects.filter(email__in=emails)
    if organisation:
        taken = taken.exclude(organisation=organisation)
    if clash := taken.first():
        raise DomainError(f"{clash.email} already signs in to another organisation's account")
    wanted = list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))
    providers = {p.reference.upper(): p for p in Provider.objects.filter(reference__in=wanted)}
    missing = [r for r in wanted if r not in providers]
    if missing:
        raise DomainError(f"No provider in the directory has the reference {missing[0]}")
    elsewhere = [
        p
        for p in providers.values()
        if p.organisation_id not in (None, getattr(organisation, "pk", None))
    ]
    if elsewhere:
        raise DomainError(f"{elsewhere[0].name} already belongs to another organisation")
    if organisation is None:
        organisation = Organisation.objects.create(name=name, is_active=is_active)
    else:
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        organisation.name, organisation.is_active = name, is_active
        organisation.save(update_fields=["name", "is_active"])
    organisation.emails.exclude(email__in=emails).delete()
    for email in emails:
        OrganisationEmail.objects.get_or_create(organisation=organisation, email=email)
    organisation.settings.exclude(pk__in=[p.pk for p in providers.values()]).update(
        organisation=None
    )
    Provider.objects.filter(pk__in=[p.pk for p in providers.values()]).update(
        organisation=organisation
    )
    return organisation


def organisation_for_email(email: str, *, lock: bool = False) -> Organisation | None:
    """The active organisation an address signs in to, if any; `lock`: its address row
    held until the caller's transaction ends (one caller at a time per address)."""
    emails = OrganisationEmail.objects.select_for_update() if lock else OrganisationEmail.objects
    found = (
        emails.filter(email__iexact=email.strip(), organisation__is_active=True)
        .select_related("organisation")
        .first()
    )
    return found.organisation if found else None


def _own_setting(organisation: Organisation, provider: Provider) -> Provider:
    locked = Provider.objects.select_for_update().get(pk=provider.pk)
    if locked.organisation_id != organisation.pk or locked.is_archived:
        raise DomainError("This setting is not one of your organisation's")
    return locked


# --- Vacancies ----------------------------------------------------------------------------


def _vacancies_record(provider: Provider, *, email: str, adding: bool = False) -> None:
    """The directory's vacancy count and date follow what the provider declared (no more
    than the setting's capacity), and the declaration is confirmed now. Adding places
    beyond the capacity is refused; removing or confirming never is, even when the
    council has lowered the capacity since."""
    declared = list(provider.declared.all())
    total = sum(v.places for v in declared)
    if adding and total > provider.capacity:
        raise DomainError(
            f"That makes {total} places free, more than the {provider.capacity} the council's "
            "directory has for this setting. Ask the council to update its capacity"
        )
    total = min(total, provider.capacity)
    dates = [v.available_from for v in declared if v.available_from]
    earliest = min(dates) if dates and len(dates) == len(declared) else None
    providers_fields_update(
        values_by_provider={
            provider.pk: {"vacancies": total, "vacancy_available_from": earliest if total else None}
        },
        actor=None,
        source=provider_source(email),
    )
    Provider.objects.filter(pk=provider.pk).update(vacancies_confirmed_at=timezone.now())


@transaction.atomic
def vacancy_add(
    *,
    organisation: Organisation,
    provider: Provider,
    category: Category,
    places: int,
    age_from: int,
    age_to: int,
    available_from: dt.date | None,
    email: str,
) -> Vacancy:
    locked = _own_setting(organisation, provider)
    if not locked.provider_categories.filter(category=category).exists():
        raise DomainError(f"{locked.name} is not in the directory for {category.name.lower()}")
    if places < 1:
        raise DomainError("Enter at least 1 place")
    if age_from > age_to:
        raise DomainError("The youngest age must not be more than the oldest age")
    if age_from < locked.age_from or age_to > locked.age_to:
        raise DomainError(
            f"{locked.name} takes children aged {locked.age_from} to {locked.age_to}: declare "
            "places within those ages, or change the setting's ages in its details first"
        )
    if available_from and available_from < timezone.localdate():
        raise DomainError("The date the places are free from must be today or later")
    vacancy = Vacancy.objects.create(
        provider=locked,
        category=category,
        places=places,
        age_from=age_from,
        age_to=age_to,
        available_from=available_from,
        declared_by=email,
    )
    _vacancies_record(locked, email=email, adding=True)
    return vacancy


@transaction.atomic
def vacancy_remove(*, organisation: Organisation, vacancy: Vacancy, email: str) -> None:
    locked = _own_setting(organisation, vacancy.provider)
    Vacancy.objects.filter(pk=vacancy.pk, provider=locked).delete()
    _vacancies_record(locked, email=email)


@transaction.atomic
def vacancies_confirm(*, organisation: Organisation, provider: Provider, email: str) -> Provider:
    """The provider says the vacancies it declared (or that it has none) are right."""
    locked = _own_setting(organisation, provider)
    _vacancies_record(locked, email=email)
    locked.refresh_from_db()
    return locked


# --- The profile --------------------------------------------------------------------------


@transaction.atomic
def profile_update(
    *,
    organisation: Organisation,
    provider: Provider,
    values: Mapping[str, Any],
    specialisms: Iterable[Specialism],
    eligibility: Mapping[str, Any],
    email: str,
) -> ProviderChangeRequest | None:
    """What the provider may change is changed at once, with history naming who; a
    change to its Ofsted URN, tier or categories waits for an administrator (a new one
    replaces any still waiting). Returns the request made, if any."""
    locked = _own_setting(organisation, provider)
    if set(values) - set(PROFILE_FIELDS) or set(eligibility) - set(ELIGIBILITY_FIELDS):
        raise ValueError("Not fields a provider may change")
    provider_update(
        provider=locked,
        values=values,
        categories=None,
        specialisms=list(specialisms),
        actor=None,
        source=provider_source(email),
    )
    now = {
        "ofsted_urn": locked.ofsted_urn,
        "tier": locked.tier,
        "categories": sorted(locked.provider_categories.values_list("category__slug", flat=True)),
    }
    wanted = {
        name: sorted(value) if name == "categories" else value
        for name, value in eligibility.items()
    }
    asked = {name: value for name, value in wanted.items() if value != now[name]}
    if not asked:
        return None
    urn = asked.get("ofsted_urn")
    same_urn = Provider.objects.filter(ofsted_urn__iexact=urn).exclude(pk=locked.pk)
    if urn and same_urn.exists():
        raise DomainError("Another provider in the directory has that Ofsted URN")
    names = dict(Category.objects.values_list("slug", "name"))

    def shown(name: str, value: Any) -> str:
        if name == "tier":
            return str(Tier(value).label)
        if name == "categories":
            return ", ".join(names.get(slug, slug) for slug in value) or "None"
        return value or "Not recorded"

    labels = {"ofsted_urn": "Ofsted URN", "tier": "Tier", "categories": "Categories"}
    ProviderChangeRequest.objects.filter(
        provider=locked, status=ProviderChangeRequest.Status.PENDING
    ).update(status=ProviderChangeRequest.Status.REPLACED)
    return ProviderChangeRequest.objects.create(
        provider=locked,
        values=asked,
        shown=[[labels[n], shown(n, now[n]), shown(n, v)] for n, v in asked.items()],
        requested_by=email,
    )


@transaction.atomic
def change_request_decide(
    *, change: ProviderChangeRequest, approve: bool, reason: str, actor: User
) -> ProviderChangeRequest:
    """An administrator approves a provider's change (applied now, with history naming
    them) or refuses it with a reason. A category newly served starts as spot."""
    # The provider first, then its change: the order the provider's own edits lock in.
    provider = Provider.objects.select_for_update().get(pk=change.provider_id)
    locked = ProviderChangeRequest.objects.select_for_update().get(pk=change.pk)
    if locked.status != ProviderChangeRequest.Status.PENDING:
        raise DomainError("This change has already been decided")
    if not approve and not reason.strip():
        raise DomainError("Say why the change is refused: the provider is told")
    if approve and provider.is_archived:
        raise DomainError("The provider has been archived: refuse the change instead")
    urn = locked.values.get("ofsted_urn")
    if approve and urn:
        same = Provider.objects.filter(ofsted_urn__iexact=urn).exclude(pk=provider.pk)
        if same.exists():
            raise DomainError(
                f"Another provider in the directory now has the Ofsted URN {urn}: refuse "
                "the change, saying so"
            )
    if approve:
        values = {k: v for k, v in locked.values.items() if k != "categories"}
        categories = None
        if "categories" in locked.values:
            current = {
                pc.category.slug: pc.framework_status
                for pc in provider.provider_categories.select_related("category")
            }
            categories = {
                category: current.get(category.slug, FrameworkStatus.SPOT)
                for category in Category.objects.filter(slug__in=locked.values["categories"])
            }
        provider_update(
            provider=provider,
            values=values,
            categories=categories,
            specialisms=None,
            actor=actor,
            source="provider's change, approved",
        )
    locked.status = (
        ProviderChangeRequest.Status.APPROVED if approve else ProviderChangeRequest.Status.REFUSED
    )
    locked.decided_by, locked.decided_at, locked.reason = actor, timezone.now(), reason.strip()
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return locked


# --- Documents ----------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *,
    organisation: Organisation,
    provider: Provider,
    kind: str,
    title: str,
    upload: UploadedFile,
    expires_on: dt.date | None,
    email: str,
) -> ProviderDocument:
    """A document on file for a setting: a PDF with nothing in it that runs, replacing
    the last one of its kind (which is kept)."""
    locked = _own_setting(organisation, provider)
    if kind not in ProviderDocument.Kind.values:
        raise DomainError("Choose what the document is")
    if expires_on is not None and expires_on < timezone.localdate():
        raise DomainError(
            "The document has already expired: upload the current one, with its expiry date"
        )
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise DomainError("The document must be smaller than 10 MB")
    content = upload.read()
    if not content.startswith(b"%PDF-"):
        raise DomainError("The document must be a PDF")
    if active := pdf_active_content(content):
        raise DomainError(
            f"The document cannot be accepted: it has {', '.join(active)}. Save it again as "
            "a plain PDF"
        )
    upload.seek(0)
    now = timezone.now()
    if kind != ProviderDocument.Kind.OTHER:
        locked.documents.filter(kind=kind, replaced_at__isnull=True).update(replaced_at=now)
    document = ProviderDocument(
        provider=locked,
        kind=kind,
        title=title.strip()[:200],
        size=len(content),
        expires_on=expires_on,
        uploaded_by=email,
    )
    # A name of our own: the uploader's file name stays out of the path.
    document.file.save(f"{kind}.pdf", upload, save=False)
    document.save()
    return document
