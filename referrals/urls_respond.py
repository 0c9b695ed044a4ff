from django.urls import path

from referrals.search import respond_views as views

app_name = "respond"

urlpatterns = [
    path("<str:token>/", views.page, name="page"),
    path("<str:token>/offer/", views.offer, name="offer"),
    path("<str:token>/no-option/", views.no_option, name="no-option"),
    path("<str:token>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:token>/question/", views.question, name="question"),
]
