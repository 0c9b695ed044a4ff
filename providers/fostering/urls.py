from django.urls import path

from . import views

app_name = "fostering"

urlpatterns = [
    path("carers/", views.carers, name="carers"),
    path("carers/new/", views.carer_edit, name="carer-create"),
    path("carers/<int:pk>/", views.carer, name="carer"),
    path("carers/<int:pk>/edit/", views.carer_edit, name="carer-edit"),
]
