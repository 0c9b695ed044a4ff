from django.urls import path

from . import views, views_search
from .permission import views as permission

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("action-list/", views.action_list, name="action-list"),
    path("placement-types/", views.placement_types, name="placement-types"),
    path("placement-types/<int:type_pk>/", views.placement_types, name="placement-type-edit"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/notes/", views.add_note, name="add-note"),
    path("<int:pk>/emergency/", views.emergency_accept, name="emergency-accept"),
    path("<int:pk>/chronology.pdf", views.chronology_pdf, name="chronology-pdf"),
    path("<int:pk>/pack/", views.pack, name="pack"),
    path("<int:pk>/pack/<slug:key>/", views.pack_edit, name="pack-edit"),
    path("<int:pk>/pack.pdf", views.pack_pdf, name="pack-pdf"),
    path("allowed-words/", views.allowed_words, name="allowed-words"),
    path(
        "allowed-words/<int:word_pk>/remove/",
        views.allowed_word_remove,
        name="allowed-word-remove",
    ),
    path("<int:pk>/search/", views_search.search, name="search"),
    path("<int:pk>/rounds/<int:round_pk>/", views_search.round_detail, name="round"),
    path(
        "<int:pk>/rounds/<int:round_pk>/progress/",
        views_search.round_progress,
        name="round-progress",
    ),
    path("<int:pk>/rounds/<int:round_pk>/extend/", views_search.round_extend, name="round-extend"),
    path(
        "<int:pk>/rounds/<int:round_pk>/questions/<int:question_pk>/",
        views_search.question_answer,
        name="question-answer",
    ),
    path("new/", views.referral_start, name="start"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("<int:pk>/children/add/", views.child_edit, name="child-add"),
    path("<int:pk>/children/<int:child_pk>/", views.child_edit, name="child-edit"),
    path("<int:pk>/children/<int:child_pk>/remove/", views.child_remove, name="child-remove"),
    path("<int:pk>/people/", views.people, name="people"),
    path("<int:pk>/people/add/", views.person_edit, name="person-add"),
    path("<int:pk>/people/<int:person_pk>/", views.person_edit, name="person-edit"),
    path("<int:pk>/people/<int:person_pk>/remove/", views.person_remove, name="person-remove"),
    path("<int:pk>/needs/", views.needs, name="needs"),
    path("<int:pk>/outcomes/", views.outcomes, name="outcomes"),
    path("<int:pk>/profile/", views.profile, name="profile"),
    path("<int:pk>/exclusions/", views.exclusions, name="exclusions"),
    path(
        "<int:pk>/exclusions/<int:exclusion_pk>/remove/",
        views.exclusion_remove,
        name="exclusion-remove",
    ),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/submitted/", views.submitted, name="submitted"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/quality-check/", views.quality_check, name="quality-check"),
    # Permission to search
    path("<int:pk>/decision/", permission.search_decision, name="search-decision"),
    path("<int:pk>/evidence/", permission.agreement_evidence, name="agreement-evidence"),
    path("<int:pk>/funding/", permission.funding_approval, name="funding-approval"),
    path("<int:pk>/comment/", permission.external_comment, name="external-comment"),
]
