"""The demo's provider account: an organisation with two of the directory's settings, a
vacancy declared on one, so an administrator sees accounts and a provider can sign in
(the link lands in the file outbox, var/outbox/)."""

from placements.models import User
from providers.models import Category, Organisation, Provider, ProviderType
from providers.services import accounts

DEMO_ACCOUNT = "Keystone Care Group"
DEMO_ACCOUNT_EMAIL = "manager@keystonecare.example"


def seed_demo_account(admin: User) -> Organisation | None:
    """Once: the first two independent fostering agencies in the directory."""
    existing = Organisation.objects.filter(name=DEMO_ACCOUNT).first()
    if existing:
        return existing
    settings = list(
        Provider.objects.active()
        .filter(provider_type=ProviderType.INDEPENDENT_FOSTERING, organisation__isnull=True)
        .order_by("reference")[:2]
    )
    if not settings:
        return None
    organisation = accounts.organisation_save(
        name=DEMO_ACCOUNT,
        emails=[DEMO_ACCOUNT_EMAIL],
        references=[setting.reference for setting in settings],
        actor=admin,
    )
    first = settings[0]
    fostering = Category.objects.filter(slug="fostering").first()
    if (
        fostering
        and first.capacity >= 1
        and first.provider_categories.filter(category=fostering).exists()
    ):
        accounts.vacancy_add(
            organisation=organisation,
            provider=first,
            category=fostering,
            places=1,
            age_from=first.age_from,
            age_to=first.age_to,
            available_from=None,
            email=DEMO_ACCOUNT_EMAIL,
        )
    return organisation
