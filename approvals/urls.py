from django.urls import path
from django.views.generic import RedirectView

from . import views_costs, views_offers, views_placement

app_name = "approvals"

# Permission to search moved to the referral's own pages (/referrals/<pk>/...); these
# old addresses stay working for bookmarks and emails already sent.
MOVED_TO_REFERRALS = {
    "decision": "referrals:search-decision",
    "evidence": "referrals:agreement-evidence",
    "funding": "referrals:funding-approval",
    "comment": "referrals:external-comment",
}

urlpatterns = [
    *(
        path(
            f"referrals/<int:pk>/{segment}/",
            RedirectView.as_view(pattern_name=new_name, permanent=True, query_string=True),
        )
        for segment, new_name in MOVED_TO_REFERRALS.items()
    ),
    path("", views_costs.queue, name="queue"),
    path("cost-bands/", views_costs.bands, name="bands"),
    path("placements/", views_placement.tracker, name="tracker"),
    path("placements/export.<str:fmt>", views_placement.tracker_export, name="tracker-export"),
    path("referrals/<int:pk>/offers/", views_offers.offers, name="offers"),
    path(
        "referrals/<int:pk>/offers/<int:response_pk>/negotiate/",
        views_offers.negotiate,
        name="negotiate",
    ),
    path(
        "referrals/<int:pk>/offers/<int:response_pk>/flags/<str:flag>/",
        views_offers.override,
        name="override",
    ),
    path("referrals/<int:pk>/options/", views_offers.options, name="options"),
    path(
        "referrals/<int:pk>/no-suitable-options/",
        views_offers.no_suitable_options,
        name="no-suitable-options",
    ),
    path(
        "referrals/<int:pk>/flexibility/<int:asked_pk>/",
        views_offers.flexibility,
        name="flexibility",
    ),
    path(
        "referrals/<int:pk>/costs/<int:approval_pk>/",
        views_costs.cost_approval,
        name="cost-approval",
    ),
    path(
        "referrals/<int:pk>/costs/<int:approval_pk>/ask-again/",
        views_costs.ask_again,
        name="ask-again",
    ),
    path("referrals/<int:pk>/placement/", views_placement.placement, name="placement"),
    path(
        "referrals/<int:pk>/placement/agreements/<int:agreement_pk>/<str:kind>.pdf",
        views_placement.agreement_file,
        name="agreement-file",
    ),
    path("referrals/<int:pk>/feedback/", views_placement.feedback, name="feedback"),
]
