"""Signing a provider in: a one-time link emailed to an organisation's registered
address, used once, within minutes, and every sign-in logged; and asking providers to
confirm their vacancies."""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from placements.links import find_link, new_token, token_hash
from placements.models import CouncilSettings
from placements.services import outbox_enqueue
from providers.models import Organisation, Provider, vacancies_stale_before
from providers.services.accounts import organisation_for_email

from .models import SignIn, SignInLink

logger = logging.getLogger(__name__)

# At most this many links an hour to one address: asking again and again sends no more.
LINKS_AN_HOUR = 5


def sign_in_link_ask(*, email: str) -> None:
    """Someone asked for a link for `email`. Whether it is registered is looked up by
    the worker (`tasks.sign_in_link_send`), so the page answers in the same time either
    way and tells nobody who has an account."""
    from .tasks import sign_in_link_send as task  # tasks call services: import when used

    try:
        task.delay(email.strip().lower()[:254])
    except Exception:  # the broker is down: the person asks again
        logger.exception("A provider sign-in link could not be queued")


@transaction.atomic
def sign_in_link_send(*, email: str) -> SignInLink | None:
    """Email a sign-in link if the address signs in to an organisation's account (at
    most LINKS_AN_HOUR an hour to one address); nothing otherwise."""
    email = email.strip().lower()
    # The address held: one count of this hour's links at a time.
    organisation = organisation_for_email(email, lock=True)
    if organisation is None:
        return None
    now = timezone.now()
    recent = SignInLink.objects.filter(email=email, created_at__gte=now - dt.timedelta(hours=1))
    if recent.count() >= LINKS_AN_HOUR:
        logger.warning("Sign-in links to one provider address held back: too many this hour")
        return None
    token = new_token()
    link = SignInLink.objects.create(
        organisation=organisation,
        email=email,
        token_hash=token_hash(token),
        expires_at=now + dt.timedelta(minutes=settings.PROVIDER_SIGN_IN_LINK_MINUTES),
    )
    outbox_enqueue(
        key=f"provider_sign_in:{link.pk}",
        to=[email],
        template="provider_sign_in",
        context={
            "organisation": organisation,
            "url": settings.SITE_URL + reverse("portal:sign-in-link", kwargs={"token": token}),
            "minutes": settings.PROVIDER_SIGN_IN_LINK_MINUTES,
            "council": CouncilSettings.load(),
        },
        sensitive=True,  # the body holds the link: blanked once sent
    )
    return link


def sign_in_link_find(token: str) -> SignInLink | None:
    """The unused, unexpired link `token` opens, or None."""
    link = find_link(SignInLink.objects.select_related("organisation"), token)
    if link is None or link.used_at or link.expires_at <= timezone.now():
        return None
    if not link.organisation.is_active:
        return None
    return link


@transaction.atomic
def sign_in_complete(
    *, token: str, ip_address: str | None, user_agent: str
) -> tuple[Organisation, str] | None:
    """Use the link (once): log the sign-in, and return who signed in, or None when the
    link is unknown, used, expired, or its address no longer signs in there."""
    link = find_link(SignInLink.objects.select_for_update(), token)
    if link is None or link.used_at or link.expires_at <= timezone.now():
        return None
    organisation = organisation_for_email(link.email)
    if organisation is None or organisation.pk != link.organisation_id:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    SignIn.objects.create(
        organisation=organisation,
        email=link.email,
        ip_address=ip_address or None,
        user_agent=user_agent[:300],
    )
    return organisation, link.email


def vacancies_confirm_ask(*, now: dt.datetime | None = None) -> int:
    """Ask each organisation with a setting whose vacancies were not confirmed in the
    council's number of days to confirm them, once in that many days. Returns how many
    were asked."""
    now = now or timezone.now()
    days = CouncilSettings.load().vacancy_confirm_days
    due = vacancies_stale_before(days, now)
    organisations = (
        Organisation.objects.filter(is_active=True)
        .filter(Q(vacancies_asked_at__isnull=True) | Q(vacancies_asked_at__lt=due))
        .filter(
            Exists(
                Provider.objects.filter(organisation=OuterRef("pk"), is_archived=False).filter(
                    Q(vacancies_confirmed_at__isnull=True) | Q(vacancies_confirmed_at__lt=due)
                )
            )
        )
        .prefetch_related("emails")
    )
    asked = 0
    for organisation in organisations:
        with transaction.atomic():
            claimed = (
                Organisation.objects.filter(pk=organisation.pk)
                .filter(Q(vacancies_asked_at__isnull=True) | Q(vacancies_asked_at__lt=due))
                .update(vacancies_asked_at=now)
            )
            if not claimed:
                continue  # another run asked it meanwhile
            outbox_enqueue(
                key=f"vacancies_confirm:{organisation.pk}:{now:%Y-%m-%d}",
                to=[e.email for e in organisation.emails.all()],
                template="provider_vacancies_confirm",
                context={
                    "organisation": organisation,
                    "days": days,
                    "url": settings.SITE_URL + reverse("portal:sign-in"),
                    "council": CouncilSettings.load(),
                },
            )
            asked += 1
    return asked
