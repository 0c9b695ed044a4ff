from django.urls import path

from . import views_sign as views

app_name = "sign"

urlpatterns = [
    path("<str:token>/", views.page, name="page"),
    path("<str:token>/agreement.pdf", views.pdf, name="pdf"),
]
