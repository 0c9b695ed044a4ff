from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import second_factor, selectors, services, sso
from .actions import posted_pk, run_action, submit_form
from .client_address import sign_in_wait_seconds
from .forms import (
    CodeForm,
    CouncilSettingsForm,
    DirectoryGroupForm,
    RoleGrantRefuseForm,
    SignInForm,
    UserForm,
)
from .models import CouncilSettings, DirectoryGroupRole
from .navigation import NAV_ITEMS
from .permissions import Capability, capability_required, role_grant_refusal, user_can
from .roles import ROLES_NEEDING_SECOND_ADMINISTRATOR, Role
from .services import directory


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """The password is right. Someone who needs a second factor is not signed in
        yet: they give a code (or set up an app) first."""
        user = form.get_user()
        has_app = second_factor.has_app(user)
        if has_app or second_factor.required(user):
            second_factor.pending_start(self.request, user, user.backend, self.get_success_url())
            return redirect("sign-in-code" if has_app else "sign-in-set-up")
        self.request.session.pop(second_factor.PENDING_KEY, None)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": sso.sso_enabled(),
            "sso_name": settings.OIDC_PROVIDER_NAME,
            "password_off": sso.sso_enabled() and not CouncilSettings.load().staff_password_sign_in,
        }

    def post(self, request, *args, **kwargs):
        # Many wrong passwords for one account, from anywhere: its next try waits.
        wait = sign_in_wait_seconds(request.POST.get("username", ""))
        if wait:
            # The password is not even checked: the form is shown again, unbound.
            context = self.get_context_data(form=self.form_class(request=request))
            context["backoff"] = (
                f"There have been many wrong passwords for this account. Wait {wait} "
                f"second{'s' if wait != 1 else ''} and try again."
            )
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


sign_in = login_not_required(SignInView.as_view())
sso_start = login_not_required(sso.SignInStart.as_view())
sso_callback = login_not_required(sso.SignInCallback.as_view())


@login_not_required
@require_GET
def sso_refused(request):
    reason = request.session.pop(sso.REFUSED_KEY, "token")
    return render(
        request,
        "registration/sso_refused.html",
        {"why": sso.REASONS.get(reason, sso.REASONS["token"])},
        status=403,
    )


sign_out = login_not_required(auth_views.LogoutView.as_view())


@login_not_required
@require_GET
def signed_out(request):
    reason = request.GET.get("reason", "")
    return render(request, "registration/signed_out.html", {"reason": reason})


@login_not_required
@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class PasswordSetView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_set.html"
    success_url = "/account/password-set/done/"
    post_reset_login = False


password_set = login_not_required(PasswordSetView.as_view())
password_set_done = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/password_set_done.html"
    )
)


@require_GET
def home(request):
    """Send each person to their work: straight there when they have one place to go."""
    destinations = [
        item
        for item in NAV_ITEMS
        if item.capability is not None and user_can(request.user, item.capability)
    ]
    primary = next((item for item in destinations if item.primary), None)
    if primary is not None:
        return redirect(primary.url)
    if len(destinations) == 1:
        return redirect(destinations[0].url)
    return render(request, "placements/home.html", {"destinations": destinations})


# --- Users ------------------------------------------------------------------------


@capability_required(Capability.MANAGE_USERS)
@require_GET
def user_list(request):
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    status = request.GET.get("status", "active")
    if role not in Role.values:
        role = ""
    users = selectors.user_list(query=query, role=role, status=status)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "placements/user_list.html",
        {
            "page": page,
            "query": query,
            "role": role,
            "status": status,
            "roles": Role.choices,
            "team_gaps": selectors.teams_without_manager(),
            "grants_waiting": selectors.role_grants_waiting().count(),
        },
    )


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.user_invite(
            full_name=data["full_name"],
            email=data["email"],
            job_title=data["job_title"],
            team=data["team"],
            roles=data["roles"],
            actor=request.user,
        )
        messages.success(
            request, f"{user.full_name} has been added and sent a link to set a password."
        )
        _tell_of_grants_waiting(request, user=user, asked=data["roles"])
        return redirect("accounts:user-detail", pk=user.pk)
    return render(
        request,
        "placements/user_form.html",
        {"form": form, "editing": None, "only_administrator": _only_administrator(request)},
    )


def _only_administrator(request) -> bool:
    return not selectors.active_administrators().exclude(pk=request.user.pk).exists()


def _tell_of_grants_waiting(request, *, user, asked) -> None:
    """Say which of the roles asked for wait for a second administrator, and when no
    administrator can approve them yet, that one is needed."""
    waiting = sorted(
        (g for g in selectors.role_grants_waiting().filter(user=user) if g.role in asked),
        key=lambda grant: Role.values.index(grant.role),
    )
    if not waiting:
        return
    labels = " and ".join(grant.get_role_display() for grant in waiting)
    plural = len(waiting) > 1
    note = (
        f"{user.full_name} will have the role{'s' if plural else ''} {labels} once another "
        f"administrator approves {'them' if plural else 'it'}."
    )
    if not selectors.role_grant_approvers(user=user, requested_by=request.user):
        note += (
            " There is no other active administrator who can approve it yet: "
            "Role grants waiting for approval says how to add one."
        )
    messages.info(request, note)


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    user = selectors.get_user_for_admin(pk=pk)
    form = UserForm(request.POST or None, instance=user)
    if done := submit_form(
        request,
        form,
        lambda data: services.user_update(
            user=user,
            full_name=data["full_name"],
            email=data["email"],
            job_title=data["job_title"],
            team=data["team"],
            roles=data["roles"],
            actor=request.user,
        ),
        redirect_to=reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        success="Changes saved.",
        error_field="roles",
    ):
        _tell_of_grants_waiting(request, user=user, asked=form.cleaned_data["roles"])
        return done
    history = selectors.history_rows(user)
    return render(
        request,
        "placements/user_form.html",
        {
            "form": form,
            "editing": user,
            "history": history,
            "grants_waiting": list(selectors.role_grants_waiting().filter(user=user)),
            "only_administrator": _only_administrator(request),
            "second_factor_set": second_factor.has_app(user),
            "second_factor_required": second_factor.required(user),
        },
    )


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_set_active(request, pk):
    user = selectors.get_user_for_admin(pk=pk)
    active = request.POST.get("active") == "1"
    return run_action(
        request,
        lambda: services.user_set_active(user=user, active=active, actor=request.user),
        redirect_to=reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        success=f"{user.full_name} has been {'reactivated' if active else 'deactivated'}.",
    )


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_break_glass(request, pk):
    user = selectors.get_user_for_admin(pk=pk)
    on = request.POST.get("on") == "1"
    return run_action(
        request,
        lambda: services.user_break_glass_set(user=user, on=on, actor=request.user),
        redirect_to=reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        success=f"{user.full_name} "
        + ("may now" if on else "may no longer")
        + " sign in with a password when password sign-in is off.",
    )


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_resend_invite(request, pk):
    user = selectors.get_user_for_admin(pk=pk)
    return run_action(
        request,
        lambda: services.user_resend_invite(user=user, actor=request.user),
        redirect_to=reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        success=f"A new link to set a password has been sent to {user.email}.",
    )


# --- Role grants waiting for a second administrator ---------------------------------


@capability_required(Capability.MANAGE_USERS)
@require_GET
def role_grants(request):
    administrators = set(selectors.active_administrators().values_list("pk", flat=True))
    waiting = [
        {
            "grant": grant,
            "refusal": role_grant_refusal(request.user, grant),
            "blocker": services.role_grant_blocker(grant),
            # Nobody can decide it while the only administrators are these two.
            "undecidable": not administrators - {grant.user_id, grant.requested_by_id},
        }
        for grant in selectors.role_grants_waiting()
    ]
    return render(
        request,
        "placements/role_grants.html",
        {
            "waiting": waiting,
            "decided": selectors.role_grants_decided(),
            "only_administrator": administrators <= {request.user.pk},
        },
    )


@capability_required(Capability.MANAGE_USERS)
@require_POST
def role_grant_approve(request, pk):
    grant = selectors.get_role_grant_for_admin(pk=pk)
    return run_action(
        request,
        lambda: services.role_grant_approve(grant=grant, actor=request.user),
        redirect_to="accounts:role-grants",
        success=f"{grant.user.full_name} now has the role {grant.get_role_display()}. "
        "We have emailed them.",
    )


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def role_grant_refuse(request, pk):
    grant = selectors.get_role_grant_for_admin(pk=pk)
    refusal = role_grant_refusal(request.user, grant)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("accounts:role-grants")
    form = RoleGrantRefuseForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda data: services.role_grant_refuse(
            grant=grant, actor=request.user, reason=data["reason"]
        ),
        redirect_to="accounts:role-grants",
        success=f"Refused: {grant.user.full_name} will not have the role "
        f"{grant.get_role_display()}. We have told {grant.requested_by.full_name}.",
    ):
        return done
    return render(request, "placements/role_grant_refuse.html", {"form": form, "grant": grant})


# --- Council settings --------------------------------------------------------------


@capability_required(Capability.MANAGE_COUNCIL_SETTINGS)
@require_http_methods(["GET", "POST"])
def council_settings(request):
    council = CouncilSettings.load()
    form = CouncilSettingsForm(request.POST if request.method == "POST" else None, instance=council)
    if done := submit_form(
        request,
        form,
        lambda data: services.council_settings_update(values=data, actor=request.user),
        redirect_to="council-settings",
        success="Council settings saved.",
        error_field="staff_password_sign_in",
    ):
        return done
    history = selectors.history_rows(council)
    return render(request, "placements/council_settings.html", {"form": form, "history": history})


# --- Directory groups and the roles they give (single sign-on) ------------------------


@capability_required(Capability.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def directory_groups(request):
    page = reverse("accounts:directory-groups")
    if request.method == "POST" and request.POST.get("action") == "remove":
        mapping = get_object_or_404(DirectoryGroupRole, pk=posted_pk(request, "mapping"))
        return run_action(
            request,
            lambda: directory.group_role_remove(mapping=mapping, actor=request.user),
            redirect_to=page,
            success=f"{mapping.name} no longer gives the role {mapping.get_role_display()}.",
        )
    form = DirectoryGroupForm(request.POST if request.method == "POST" else None)
    if done := submit_form(
        request,
        form,
        lambda data: directory.group_role_save(actor=request.user, **data),
        redirect_to=page,
        success=lambda mapping: f"{mapping.name} now gives the role {mapping.get_role_display()}.",
        error_field="group",
    ):
        return done
    return render(
        request,
        "placements/directory_groups.html",
        {
            "form": form,
            "mappings": selectors.directory_group_roles(),
            "council": CouncilSettings.load(),
            "sso_enabled": sso.sso_enabled(),
            "needs_second": ROLES_NEEDING_SECOND_ADMINISTRATOR,
        },
    )


# --- A second factor ----------------------------------------------------------------


def _waiting(request):
    user = second_factor.pending_user(request)
    if user is None:
        messages.error(request, "Enter your email address and password first.")
    return user


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request):
    user = _waiting(request)
    if user is None:
        return redirect("login")
    if not second_factor.has_app(user):
        return redirect("sign-in-set-up")
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        label="Code from your authenticator app",
        hint="The 6 digits it shows now. Lost your device? Enter one of your recovery codes.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.code_check(request, user, form.cleaned_data["code"])
        except services.DomainError as error:
            form.add_error("code", str(error))
        else:
            return redirect(second_factor.pending_finish(request, user))
    return render(request, "registration/sign_in_code.html", {"form": form})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_set_up(request):
    user = _waiting(request)
    if user is None:
        return redirect("login")
    if second_factor.has_app(user):
        return redirect("sign-in-code")
    device = second_factor.app_begin(request, user)
    form = CodeForm(
        request.POST if request.method == "POST" else None,
        label="Code from your authenticator app",
        hint="The 6 digits it shows once you have added this service.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.app_confirm(request, user, form.cleaned_data["code"])
        except services.DomainError as error:
            form.add_error("code", str(error))
        else:
            next_url = second_factor.pending_finish(request, user)
            request.session[second_factor.RECOVERY_SHOWN_KEY] = {"codes": codes, "next": next_url}
            return redirect("recovery-codes")
    return render(
        request,
        "registration/sign_in_set_up.html",
        {
            "form": form,
            "qr": mark_safe(second_factor.qr_svg(device)),  # noqa: S308 - segno's own SVG
            "secret": second_factor.secret_text(device),
            "required": second_factor.required(user),
            "by_role": bool(user.role_set & ROLES_NEEDING_SECOND_ADMINISTRATOR),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """Recovery codes shown once, after setting up an app or asking for new ones."""
    if request.method == "POST":
        try:
            codes = second_factor.recovery_codes_anew(request, request.user)
        except services.DomainError as error:
            messages.error(request, str(error))
            return redirect("recovery-codes")
        request.session[second_factor.RECOVERY_SHOWN_KEY] = {
            "codes": codes,
            "next": reverse("recovery-codes"),
        }
        return redirect("recovery-codes")
    shown = request.session.pop(second_factor.RECOVERY_SHOWN_KEY, None)
    return render(
        request,
        "registration/recovery_codes.html",
        {
            "codes": shown["codes"] if shown else None,
            "next": shown["next"] if shown else reverse("home"),
            "has_app": second_factor.has_app(request.user),
            "may_link": sso.sso_enabled() and not request.user.sso_subject,
            "sso_name": settings.OIDC_PROVIDER_NAME,
        },
    )


@require_POST
def sso_link(request):
    """The person, signed in with their password (and code), links their account to
    their council account at the directory sign-in that follows."""
    if not sso.sso_enabled() or request.user.sso_subject:
        return redirect("recovery-codes")
    request.session[sso.LINK_KEY] = request.user.pk
    return redirect("sso-start")


@capability_required(Capability.MANAGE_USERS)
@require_POST
def user_second_factor_reset(request, pk):
    user = selectors.get_user_for_admin(pk=pk)
    return run_action(
        request,
        lambda: second_factor.second_factor_reset(request, user=user, actor=request.user),
        redirect_to=reverse("accounts:user-detail", kwargs={"pk": user.pk}),
        success=f"{user.full_name}'s second factor is reset: they set up an app at their "
        "next sign-in.",
    )


@capability_required(Capability.MANAGE_USERS)
@require_GET
def security_log(request):
    person = request.GET.get("user", "")
    events = selectors.security_events(
        user_id=int(person) if person.isdigit() and len(person) < 19 else None
    )
    paginator = Paginator(events, 100)
    return render(
        request,
        "placements/security_log.html",
        {"page": paginator.get_page(request.GET.get("page")), "person": person},
    )
