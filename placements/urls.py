from django.urls import include, path

from portal import staff_views as portal_staff

from . import views

accounts_patterns = (
    [
        path("", views.user_list, name="user-list"),
        path("new/", views.user_create, name="user-create"),
        path("<int:pk>/", views.user_detail, name="user-detail"),
        path("<int:pk>/active/", views.user_set_active, name="user-set-active"),
        path("<int:pk>/invite/", views.user_resend_invite, name="user-resend-invite"),
        path("<int:pk>/break-glass/", views.user_break_glass, name="user-break-glass"),
        path(
            "<int:pk>/second-factor/reset/",
            views.user_second_factor_reset,
            name="user-second-factor-reset",
        ),
        path("security-log/", views.security_log, name="security-log"),
        path("role-grants/", views.role_grants, name="role-grants"),
        path("directory-groups/", views.directory_groups, name="directory-groups"),
        path("role-grants/<int:pk>/approve/", views.role_grant_approve, name="role-grant-approve"),
        path("role-grants/<int:pk>/refuse/", views.role_grant_refuse, name="role-grant-refuse"),
    ],
    "accounts",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-in/set-up/", views.sign_in_set_up, name="sign-in-set-up"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery-codes"),
    path("account/link-directory/", views.sso_link, name="sso-link"),
    path("sign-in/directory/", views.sso_start, name="sso-start"),
    path("sign-in/directory/back/", views.sso_callback, name="sso-callback"),
    path("sign-in/directory/refused/", views.sso_refused, name="sso-refused"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("account/set-password/<uidb64>/<token>/", views.password_set, name="password-set"),
    path("account/password-set/done/", views.password_set_done, name="password-set-done"),
    path("healthz", views.healthz, name="healthz"),
    path("users/", include(accounts_patterns)),
    path("settings/", views.council_settings, name="council-settings"),
    # The log of a provider account's sign-ins lives with the accounts (portal).
    path("providers/accounts/<int:pk>/sign-ins/", portal_staff.sign_ins, name="provider-sign-ins"),
    path("providers/", include("providers.urls")),
    path("fostering/rounds/", include("referrals.inhouse.urls")),
    path("fostering/", include("providers.fostering.urls")),
    path("referrals/", include("referrals.urls")),
    # Under /approvals/ and, for the pages about one referral, /referrals/<pk>/.
    path("", include("approvals.urls")),
    # Providers' secure links: no sign-in, the token is the key.
    path("respond/", include("referrals.urls_respond")),
    path("sign/", include("approvals.placement.sign_urls")),
    # A provider's account: signed in by an emailed link, never a council login.
    path("provider/", include("portal.urls")),
]

handler403 = "placements.errors.permission_denied"
handler404 = "placements.errors.page_not_found"
