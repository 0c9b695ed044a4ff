from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/sent/", views.sign_in_sent, name="sign-in-sent"),
    path("sign-in/<str:token>/", views.sign_in_link, name="sign-in-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("settings/<int:pk>/vacancies/", views.vacancies, name="vacancies"),
    path("settings/<int:pk>/profile/", views.profile, name="profile"),
    path("settings/<int:pk>/documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_file, name="document-file"),
    path("requests/", views.requests, name="requests"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/<int:pk>/", views.agreement_file, name="agreement-file"),
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/new/<int:placement_pk>/", views.invoice_send_page, name="invoice-send"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
]
