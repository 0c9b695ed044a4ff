from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("referrals/<int:pk>/decision/", views.search_decision, name="search-decision"),
    path("referrals/<int:pk>/evidence/", views.agreement_evidence, name="agreement-evidence"),
    path("referrals/<int:pk>/funding/", views.funding_approval, name="funding-approval"),
    path("referrals/<int:pk>/comment/", views.external_comment, name="external-comment"),
]
