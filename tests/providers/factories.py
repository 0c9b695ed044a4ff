from importlib import import_module

import factory
from django.utils import timezone

from providers.models import Category, FrameworkStatus, OfstedRating, ProviderType, Tier
from providers.services import provider_create

CATEGORIES = import_module("providers.migrations.0002_categories").CATEGORIES


def ensure_categories() -> None:
    """Transactional tests flush the rows the data migration seeded; put them back."""
    for ordering, (name, slug) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "ordering": ordering})


class ProviderFactory(factory.Factory):
    """Builds providers through `provider_create`, so history exists as in real use.

    `ProviderFactory(categories={"fostering": FrameworkStatus.FRAMEWORK})` picks
    categories by slug; by default a provider serves fostering on the framework.
    """

    class Meta:
        model = dict

    name = factory.Sequence(lambda n: f"Provider {n}")
    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    provider_type = ProviderType.INDEPENDENT_FOSTERING
    tier = Tier.INSIDE
    is_in_house = False
    ofsted_urn = factory.Sequence(lambda n: f"SC{900000 + n}")
    ofsted_rating = OfstedRating.GOOD
    ofsted_inspection_date = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    qa_initial_visit_date = factory.LazyFunction(
        lambda: timezone.localdate() - timezone.timedelta(days=100)
    )
    qa_latest_annual_visit_date = None
    ri_exception_agreed_by = ""
    ri_exception_agreed_on = None
    age_from = 0
    age_to = 17
    genders = "any"
    capacity = 4
    vacancies = 1
    vacancy_available_from = None
    referral_emails = factory.Sequence(lambda n: [f"referrals{n}@provider.example"])
    phone = "01632 960000"
    notes = ""

    @classmethod
    def _create(
        cls, model_class, *, categories=None, specialisms=(), areas=None, actor=None, **values
    ):
        wanted = categories or {"fostering": FrameworkStatus.FRAMEWORK}
        ensure_categories()
        by_slug = {c.slug: c for c in Category.objects.filter(slug__in=wanted)}
        return provider_create(
            values=values,
            categories={by_slug[slug]: status for slug, status in wanted.items()},
            specialisms=list(specialisms),
            areas=list(areas) if areas is not None else None,
            actor=actor,
        )

    _build = _create
