"""Signing in with the council's directory: OpenID Connect's authorisation code flow with
PKCE, through mozilla-django-oidc, against any provider set by settings alone.

- The provider's endpoints come from its discovery document (`OIDC_DISCOVERY_URL`, or
  the issuer's `/.well-known/openid-configuration`), fetched once an hour.
- The ID token is checked for its signature (the provider's published keys), issuer,
  audience (this service's client id), expiry and nonce; the userinfo must be about
  the same subject.
- Only a person with an account comes in: found by their directory subject once linked,
  or, the first time, by their email when the provider says it is verified (or when the
  council trusts the email claim, as with Entra ID's `email` or `preferred_username`,
  which the tenant controls). Where the council makes accounts, someone in a mapped
  directory group gets one (`services.directory`). Anyone else is refused with a clear
  page, and the refusal is logged (never the token).
"""

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import CouncilSettings, SecurityEvent
from .roles import ROLES_NEEDING_SECOND_ADMINISTRATOR, Role
from .second_factor import PENDING_KEY, record
from .services import directory

logger = logging.getLogger("placements.security")

# mozilla-django-oidc's settings for the provider's endpoints, and where discovery says.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
DISCOVERY_SECONDS = 3600
# Why a sign-in was refused, for the refused page (kept in the session, never the token).
REFUSED_KEY = "sso_refused"
# The account its owner, signed in, asked to link at their next directory sign-in.
LINK_KEY = "sso_link_for"
REASONS = {
    "unknown": "There is no account for you in this service. Ask the service's "
    "administrator to add you, with the email address your council account uses.",
    "link_first": "Your account here has an approving or administrator role, so only you "
    "can link it to your council account: sign in with your password and the code from "
    "your app, then choose \u201cLink my council account\u201d.",
    "no_group": "You are not in any of the council's directory groups that this service "
    "gives access to. Ask the service's administrator.",
    "taken": "Your email address belongs to an account here that is linked to another "
    "council account. Ask the service's administrator.",
    "inactive": "Your account in this service has been deactivated. Ask the service's "
    "administrator if you still need it.",
    "unverified": "Your council account did not confirm your email address, so it "
    "cannot be matched to an account here. Ask the service's administrator.",
    "unavailable": "Your council's sign-in is not answering just now. Try again in a few "
    "minutes, or sign in with your password if you have one.",
    "cancelled": "You did not finish signing in with your council account.",
    "ended": "Your council sign-in has ended, so you have been signed out here too. Sign in again.",
    "token": "Your council's sign-in could not be checked, so you have not been signed "
    "in. Try again; if it happens again, tell the service's administrator.",
}


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and discovery_url())


def _passwords_for_all() -> bool:
    """Password sign-in is on for staff (or there is no single sign-on to use instead)."""
    return CouncilSettings.load().staff_password_sign_in or not sso_enabled()


def password_sign_in_allowed(user) -> bool:
    """Whether this person may sign in with a password: always, unless the council has
    turned it off for staff with single sign-on set up; then only a break-glass
    administrator."""
    return _passwords_for_all() or (user.break_glass and user.has_role(Role.ADMINISTRATOR))


def password_sign_in_allowed_for_email(email: str) -> bool:
    """The same rule, before any password is checked: is the address a break-glass
    administrator's (or is password sign-in on)?"""
    if _passwords_for_all():
        return True
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    return user is not None and password_sign_in_allowed(user)


def discovery_url() -> str:
    if settings.OIDC_DISCOVERY_URL:
        return settings.OIDC_DISCOVERY_URL
    if settings.OIDC_ISSUER:
        return settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
    return ""


def provider_config() -> dict[str, Any]:
    """The provider's discovery document (cached for an hour)."""
    url = discovery_url()
    if not url:
        raise ImproperlyConfigured("Set OIDC_DISCOVERY_URL or OIDC_ISSUER for single sign-on")
    key = f"oidc-discovery:{url}"
    found = cache.get(key)
    if found is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        found = response.json()
        missing = [name for name in ("issuer", *ENDPOINTS.values()) if not found.get(name)]
        if missing:
            raise ImproperlyConfigured(f"The discovery document lacks {', '.join(missing)}")
        if settings.OIDC_ISSUER and found["issuer"].rstrip("/") != settings.OIDC_ISSUER.rstrip("/"):
            raise ImproperlyConfigured("The discovery document is for another issuer")
        cache.set(key, found, DISCOVERY_SECONDS)
    return found


def _setting(attr: str, *default: Any) -> Any:
    if attr in ENDPOINTS:
        return provider_config()[ENDPOINTS[attr]]
    return import_from_settings(attr, *default)


def refuse(request, reason: str, user=None, who: str = "", **logged: Any) -> None:
    """Remember why, for the refused page, and log it (no token, no claims but who)."""
    request.session[REFUSED_KEY] = reason
    record(
        request,
        user,
        SecurityEvent.Kind.SSO_REFUSED,
        detail=f"{reason}{': ' + who if who else ''}",
    )
    logger.warning(
        "single sign-on refused: %s %s%s",
        reason,
        f"user={user.pk} " if user is not None else "",
        " ".join(f"{name}={value}" for name, value in logged.items()),
    )


class DirectoryBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with discovered endpoints, a strict ID token check
    and the council's rule for who may come in."""

    get_settings = staticmethod(_setting)

    def __init__(self, *args, **kwargs):
        # Nothing is read from the provider until a sign-in needs it: a password
        # sign-in never waits for the directory.
        self.UserModel = get_user_model()

    # The library reads these names; they are read here only when a sign-in needs them.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return _setting("OIDC_OP_TOKEN_ENDPOINT")

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return _setting("OIDC_OP_USER_ENDPOINT")

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return _setting("OIDC_OP_JWKS_ENDPOINT")

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:
        return settings.OIDC_RP_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:
        return settings.OIDC_RP_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:
        return settings.OIDC_RP_SIGN_ALGO

    @property
    def OIDC_RP_IDP_SIGN_KEY(self) -> None:
        return None  # always the provider's published keys

    def authenticate(self, request, **kwargs):
        # Only the callback, with the nonce it kept for this sign-in: never a code posted
        # with a password, or anything else Django tries every backend with.
        if (
            not sso_enabled()
            or request is None
            or request.path != reverse("sso-callback")
            or not kwargs.get("nonce")
            or "code" not in request.GET
        ):
            return None
        return super().authenticate(request, **kwargs)

    def retrieve_matching_jwk(self, token):
        """The provider's one published signing key for the token: by its key id, or the
        only key of the token's algorithm when the token names none."""
        header = jwt.get_unverified_header(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [
            key
            for key in response.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if header.get("kid"):
            keys = [key for key in keys if key.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise SuspiciousOperation("No single published key matches the ID token")
        return jwt.PyJWK(keys[0])

    def get_payload_data(self, token, key):
        """The ID token, its signature checked with the provider's key, and its issuer,
        audience and expiry (the library checks neither audience nor issuer)."""
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_config()["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=settings.OIDC_LEEWAY_SECONDS,
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the userinfo's, which must be about the same
        person."""
        info = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo is about another subject")
        return {**payload, **info}

    def verify_claims(self, claims):
        return bool(claims.get("sub")) and bool(claims.get(settings.OIDC_EMAIL_CLAIM))

    def filter_users_by_claims(self, claims) -> QuerySet:
        self.refusal = ""
        users = self.UserModel.objects.all()
        linked = users.filter(sso_subject=claims["sub"])
        if linked.exists():
            return linked
        email = str(claims.get(settings.OIDC_EMAIL_CLAIM, "")).strip()
        verified = settings.OIDC_TRUST_EMAIL or claims.get("email_verified") is True
        if not verified:
            self.refusal = "unverified"
            return users.none()
        if users.filter(email__iexact=email, sso_subject__isnull=False).exists():
            self.refusal = "taken"
        found = users.filter(email__iexact=email, sso_subject__isnull=True)
        first = found.first()
        if (
            first is not None
            and first.role_set & ROLES_NEEDING_SECOND_ADMINISTRATOR
            and self.request.session.get(LINK_KEY) != first.pk
        ):
            # An approver's or administrator's account is linked only by its owner,
            # signed in with their password and code: never by an email match alone.
            self.refusal = "link_first"
            return users.none()
        return found

    def create_user(self, claims):
        """Nobody matched: an account from their directory groups, if the council makes
        them; otherwise (or with no mapped group) refused."""
        if not self.refusal:
            email = str(claims.get(settings.OIDC_EMAIL_CLAIM, "")).strip()
            made = directory.directory_account(
                claims=claims, email=email, groups_claim=settings.OIDC_GROUPS_CLAIM
            )
            if made is not None:
                return made
            self.refusal = "no_group" if CouncilSettings.load().sso_create_accounts else "unknown"
        refuse(
            self.request,
            self.refusal,
            who=str(claims.get(settings.OIDC_EMAIL_CLAIM) or claims["sub"])[:120],
            subject=claims["sub"],
        )
        return None

    def update_user(self, user, claims):
        if not user.is_active:
            refuse(self.request, "inactive", user=user)
            return user
        if user.created_from_directory and not directory.directory_roles_follow(
            user=user, claims=claims, groups_claim=settings.OIDC_GROUPS_CLAIM
        ):
            refuse(self.request, "no_group", user=user)
            return None
        self.request.session.pop(LINK_KEY, None)
        if not user.sso_subject:
            user.sso_subject = claims["sub"]
            user.save(update_fields=["sso_subject"])
            logger.info("single sign-on linked for user %s", user.pk)
        logger.info("single sign-on for user %s", user.pk)
        record(self.request, user, SecurityEvent.Kind.SSO_SIGN_IN)
        return user


class SignInStart(OIDCAuthenticationRequestView):
    """Off to the council's directory (404 when single sign-on is not set up)."""

    get_settings = staticmethod(_setting)

    def __init__(self, *args, **kwargs):
        View.__init__(self, *args, **kwargs)  # the endpoints are read in get()

    def get(self, request):
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = _setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, ImproperlyConfigured) as error:
            refuse(request, "unavailable", error=type(error).__name__)
            return HttpResponseRedirect(reverse("sso-refused"))
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SignInCallback(OIDCAuthenticationCallbackView):
    """Back from the directory: a state not ours, or a token that fails its checks, is
    refused with the refused page, as an unknown person is."""

    get_settings = staticmethod(_setting)

    @property
    def failure_url(self) -> str:
        return reverse("sso-refused")

    def get(self, request):
        if not sso_enabled():
            raise Http404
        states = request.session.get("oidc_states", {})
        if request.GET.get("error") and request.GET.get("state") not in states:
            # An answer to no sign-in of this browser's (a link from elsewhere): ignored,
            # and nobody is signed out by it.
            return HttpResponseRedirect(reverse("login"))
        was_signed_in = request.user.is_authenticated
        try:
            response = super().get(request)
        except (
            SuspiciousOperation,
            requests.RequestException,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as error:
            refuse(request, "token", error=type(error).__name__)
            response = self.login_failure()
        if was_signed_in and response.get("Location") == self.failure_url:
            # A recheck that failed signs them out here too (the library only redirects).
            reason = request.session.get(REFUSED_KEY, "ended")
            auth.logout(request)
            request.session[REFUSED_KEY] = reason
        if request.GET.get("error"):
            # The provider's answer to a silent check (their directory session has
            # ended), or to a sign-in not finished there.
            refuse(request, "ended" if was_signed_in else "cancelled", error="provider")
        return response

    def login_success(self):
        """Signed in; on a recheck, only ever as the same person."""
        current = getattr(self.request, "user", None)
        if current is not None and current.is_authenticated and current != self.user:
            auth.logout(self.request)
            refuse(self.request, "token", error="another person")
            return self.login_failure()
        self.request.session.pop(PENDING_KEY, None)
        return super().login_success()

    def login_failure(self):
        self.request.session.setdefault(REFUSED_KEY, "token")
        return super().login_failure()


class DirectorySessionRefresh(SessionRefresh):
    """A session signed in with the directory lasts no longer than the directory's own:
    every `OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS` a page asks the provider again, silently
    (prompt=none); if the person's directory session has ended, or they have been
    removed or disabled there, the provider says so and they are signed out here.
    Password sessions are never sent; nor are background refreshes (htmx), which wait
    for the next page."""

    get_settings = staticmethod(_setting)

    def __init__(self, get_response):
        MiddlewareMixin.__init__(self, get_response)  # the endpoints are read when needed
        self.OIDC_EXEMPT_URLS = ["sso-start", "sso-callback", "sso-refused", "logout"]
        self.OIDC_STATE_SIZE = 32
        self.OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
        self.OIDC_RP_SCOPES = settings.OIDC_RP_SCOPES
        self.OIDC_USE_NONCE = True
        self.OIDC_NONCE_SIZE = 32

    @property
    def exempt_urls(self):
        return {reverse(name) for name in self.OIDC_EXEMPT_URLS}

    @property
    def exempt_url_patterns(self):
        return set()

    def is_refreshable_url(self, request):
        return (
            sso_enabled()
            and not request.headers.get("HX-Request")
            and super().is_refreshable_url(request)
        )

    def process_request(self, request):
        if not self.is_refreshable_url(request):
            return None
        try:
            self.OIDC_OP_AUTHORIZATION_ENDPOINT = _setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, ImproperlyConfigured):
            return None  # the directory not answering does not lock people out mid-task
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().process_request(request)
