from django.urls import path

from . import views, views_io

app_name = "providers"

urlpatterns = [
    path("", views.provider_list, name="list"),
    path("new/", views.provider_create, name="create"),
    path("<int:pk>/", views.provider_detail, name="detail"),
    path("<int:pk>/edit/", views.provider_edit, name="edit"),
    path("<int:pk>/archive/", views.provider_archive, name="archive"),
    path("export/", views_io.provider_export, name="export"),
    path("import/", views_io.import_upload, name="import"),
    path("import/<int:pk>/", views_io.import_preview, name="import-preview"),
    path("import/<int:pk>/progress/", views_io.import_progress, name="import-progress"),
    path("specialisms/", views.specialism_list, name="specialisms"),
    path("specialisms/<int:pk>/", views.specialism_edit, name="specialism-edit"),
]
