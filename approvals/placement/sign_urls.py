"""The provider's signing link, under /sign/: no sign-in, the token is the key."""

from django.urls import path

from . import sign_views as views

app_name = "sign"

urlpatterns = [
    path("<str:token>/", views.page, name="page"),
    path("<str:token>/agreement.pdf", views.pdf, name="pdf"),
]
