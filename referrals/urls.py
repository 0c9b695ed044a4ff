from django.urls import path

from referrals import views
from referrals.brokerage import views as brokerage_views
from referrals.drafting import sections
from referrals.drafting import views as drafting_views
from referrals.inhouse import match_views
from referrals.pack import views as pack_views
from referrals.packages import views as package_views
from referrals.permission import views as permission
from referrals.placement_types import views as placement_type_views
from referrals.search import views as search_views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("action-list/", brokerage_views.action_list, name="action-list"),
    path("placement-types/", placement_type_views.placement_types, name="placement-types"),
    path(
        "placement-types/<int:type_pk>/",
        placement_type_views.placement_types,
        name="placement-type-edit",
    ),
    path("<int:pk>/manage/", brokerage_views.manage, name="manage"),
    path("<int:pk>/alerts/<int:alert_pk>/", brokerage_views.alert_close, name="alert-close"),
    path("<int:pk>/notes/", brokerage_views.add_note, name="add-note"),
    path("<int:pk>/emergency/", brokerage_views.emergency_accept, name="emergency-accept"),
    path("<int:pk>/chronology.pdf", views.chronology_pdf, name="chronology-pdf"),
    path("<int:pk>/pack/", pack_views.pack, name="pack"),
    path("<int:pk>/pack/<slug:key>/", pack_views.pack_edit, name="pack-edit"),
    path("<int:pk>/pack.pdf", pack_views.pack_pdf, name="pack-pdf"),
    path("allowed-words/", pack_views.allowed_words, name="allowed-words"),
    path(
        "allowed-words/<int:word_pk>/remove/",
        pack_views.allowed_word_remove,
        name="allowed-word-remove",
    ),
    path("<int:pk>/search/", search_views.search, name="search"),
    path("<int:pk>/rounds/<int:round_pk>/", search_views.round_detail, name="round"),
    path(
        "<int:pk>/rounds/<int:round_pk>/progress/",
        search_views.round_progress,
        name="round-progress",
    ),
    path("<int:pk>/rounds/<int:round_pk>/extend/", search_views.round_extend, name="round-extend"),
    path(
        "<int:pk>/rounds/<int:round_pk>/questions/<int:question_pk>/",
        search_views.question_answer,
        name="question-answer",
    ),
    path("new/", package_views.referral_start, name="start"),
    path("<int:pk>/asking-for/", package_views.service_change, name="service"),
    path("<int:pk>/package/", package_views.package, name="package"),
    path("<int:pk>/short-breaks/", package_views.short_breaks, name="short-breaks"),
    path("<int:pk>/home-care/", package_views.home_care, name="home-care"),
    path("<int:pk>/schedule/<slug:service>/add/", package_views.slot_edit, name="slot-add"),
    path("<int:pk>/schedule/<int:slot_pk>/", package_views.slot_edit, name="slot-edit"),
    path("<int:pk>/schedule/<int:slot_pk>/remove/", package_views.slot_remove, name="slot-remove"),
    path("<int:pk>/summer/add/", package_views.summer_edit, name="summer-add"),
    path("<int:pk>/summer/<int:summer_pk>/", package_views.summer_edit, name="summer-edit"),
    path(
        "<int:pk>/summer/<int:summer_pk>/remove/",
        package_views.summer_remove,
        name="summer-remove",
    ),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/children/", sections.children, name="children"),
    path("<int:pk>/children/add/", sections.child_edit, name="child-add"),
    path("<int:pk>/children/<int:child_pk>/", sections.child_edit, name="child-edit"),
    path("<int:pk>/children/<int:child_pk>/remove/", sections.child_remove, name="child-remove"),
    path("<int:pk>/people/", sections.people, name="people"),
    path("<int:pk>/people/add/", sections.person_edit, name="person-add"),
    path("<int:pk>/people/<int:person_pk>/", sections.person_edit, name="person-edit"),
    path(
        "<int:pk>/people/<int:person_pk>/remove/",
        sections.person_remove,
        name="person-remove",
    ),
    path("<int:pk>/needs/", sections.needs, name="needs"),
    path("<int:pk>/outcomes/", sections.outcomes, name="outcomes"),
    path("<int:pk>/profile/", sections.profile, name="profile"),
    path("<int:pk>/exclusions/", sections.exclusions, name="exclusions"),
    path(
        "<int:pk>/exclusions/<int:exclusion_pk>/remove/",
        sections.exclusion_remove,
        name="exclusion-remove",
    ),
    path("<int:pk>/submit/", drafting_views.submit, name="submit"),
    path("<int:pk>/submitted/", drafting_views.submitted, name="submitted"),
    path("<int:pk>/withdraw/", drafting_views.withdraw, name="withdraw"),
    path("<int:pk>/quality-check/", brokerage_views.quality_check, name="quality-check"),
    # Permission to search
    path("<int:pk>/decision/", permission.search_decision, name="search-decision"),
    path("<int:pk>/evidence/", permission.agreement_evidence, name="agreement-evidence"),
    path("<int:pk>/funding/", permission.funding_approval, name="funding-approval"),
    path("<int:pk>/comment/", permission.external_comment, name="external-comment"),
    # Matching carers with the child, and siblings' homes (with the fostering service)
    path("<int:pk>/matching/<int:match_pk>/", match_views.match_page, name="matching"),
    path("<int:pk>/siblings/", match_views.siblings_page, name="siblings"),
]
