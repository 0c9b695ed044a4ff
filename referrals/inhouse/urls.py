from django.urls import path

from . import views

app_name = "inhouse"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("<int:pk>/", views.round_page, name="round"),
]
