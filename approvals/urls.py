"""The approvals pages, included at the site's root: the approver's queue, the cost bands
and the tracker under /approvals/; the pages about one referral under the referral's own
address, /referrals/<pk>/offers/, /costs/ and /placement/. One module, one namespace
("approvals")."""

from django.urls import path
from django.views.generic import RedirectView

from .costs import views as costs
from .dashboard import views as dashboard_views
from .invoices import views as invoice_views
from .offers import views as offers
from .packages import views as packages
from .placement import views as placement

app_name = "approvals"

# Pages about one referral that once lived under /approvals/referrals/<pk>/ (permission
# to search, then the offers, costs and placement): each old address, as it was, and
# the page it now is. They stay working for bookmarks and emails already sent.
MOVED_TO_REFERRALS = {
    "decision/": "referrals:search-decision",
    "evidence/": "referrals:agreement-evidence",
    "funding/": "referrals:funding-approval",
    "comment/": "referrals:external-comment",
    "offers/": "approvals:offers",
    "offers/<int:response_pk>/negotiate/": "approvals:negotiate",
    "offers/<int:response_pk>/flags/<str:flag>/": "approvals:override",
    "options/": "approvals:options",
    "no-suitable-options/": "approvals:no-suitable-options",
    "flexibility/<int:asked_pk>/": "approvals:flexibility",
    "costs/<int:approval_pk>/": "approvals:cost-approval",
    "costs/<int:approval_pk>/ask-again/": "approvals:ask-again",
    "placement/": "approvals:placement",
    "placement/agreements/<int:agreement_pk>/<str:kind>.pdf": "approvals:agreement-file",
    "feedback/": "approvals:feedback",
}

urlpatterns = [
    *(
        path(
            f"approvals/referrals/<int:pk>/{old}",
            RedirectView.as_view(pattern_name=new_name, permanent=True, query_string=True),
        )
        for old, new_name in MOVED_TO_REFERRALS.items()
    ),
    # Across referrals
    path("approvals/", costs.queue, name="queue"),
    path("approvals/cost-bands/", costs.bands, name="bands"),
    path("approvals/placements/", placement.tracker, name="tracker"),
    path("approvals/invoices/", invoice_views.invoices, name="invoices"),
    path("approvals/invoices/import/", invoice_views.invoices_import, name="invoices-import"),
    path("approvals/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("approvals/placements/ssda903/", placement.ssda903, name="ssda903"),
    path("approvals/return-codes/", placement.return_codes, name="return-codes"),
    path("approvals/invoices/approved.csv", invoice_views.invoices_export, name="invoices-export"),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/invoices/",
        invoice_views.placement_invoices,
        name="placement-invoices",
    ),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/invoices/<int:invoice_pk>/",
        invoice_views.invoice,
        name="invoice",
    ),
    path(
        "approvals/placements/export.<str:fmt>",
        placement.tracker_export,
        name="tracker-export",
    ),
    # Offers and options
    path("referrals/<int:pk>/offers/", offers.offers, name="offers"),
    path(
        "referrals/<int:pk>/offers/<int:response_pk>/match/",
        offers.needs_match,
        name="needs-match",
    ),
    path(
        "referrals/<int:pk>/offers/<int:response_pk>/negotiate/",
        offers.negotiate,
        name="negotiate",
    ),
    path(
        "referrals/<int:pk>/offers/<int:response_pk>/flags/<str:flag>/",
        offers.override,
        name="override",
    ),
    path("referrals/<int:pk>/offers/options/", offers.options, name="options"),
    path(
        "referrals/<int:pk>/offers/no-suitable-options/",
        offers.no_suitable_options,
        name="no-suitable-options",
    ),
    path(
        "referrals/<int:pk>/offers/flexibility/<int:asked_pk>/",
        offers.flexibility,
        name="flexibility",
    ),
    # Awarding a package of support at home
    path("referrals/<int:pk>/award/", packages.award, name="award"),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/change/",
        packages.vary,
        name="vary",
    ),
    # Cost approval
    path(
        "referrals/<int:pk>/costs/<int:approval_pk>/",
        costs.cost_approval,
        name="cost-approval",
    ),
    path(
        "referrals/<int:pk>/costs/<int:approval_pk>/ask-again/",
        costs.ask_again,
        name="ask-again",
    ),
    # The placement
    path("referrals/<int:pk>/placement/", placement.placement, name="placement"),
    path(
        "referrals/<int:pk>/placement/agreements/<int:agreement_pk>/<str:kind>.pdf",
        placement.agreement_file,
        name="agreement-file",
    ),
    path("referrals/<int:pk>/placement/feedback/", placement.feedback, name="feedback"),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/end/",
        placement.placement_end_page,
        name="placement-end",
    ),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/changes/",
        placement.placement_changes,
        name="placement-changes",
    ),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/changes/<int:change_pk>/",
        placement.placement_change,
        name="placement-change",
    ),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/reviews/",
        placement.placement_reviews,
        name="reviews",
    ),
    path(
        "referrals/<int:pk>/placement/<int:placement_pk>/reviews/<int:review_pk>/",
        placement.placement_review,
        name="review",
    ),
]
