from django.urls import path

from .views import accounts, directory, exports, imports, ofsted

app_name = "providers"

urlpatterns = [
    path("", directory.provider_list, name="list"),
    path("new/", directory.provider_create, name="create"),
    path("<int:pk>/", directory.provider_detail, name="detail"),
    path("<int:pk>/edit/", directory.provider_edit, name="edit"),
    path("<int:pk>/archive/", directory.provider_archive, name="archive"),
    path("export/", exports.provider_export, name="export"),
    path("import/", imports.import_upload, name="import"),
    path("import/<int:pk>/", imports.import_preview, name="import-preview"),
    path("import/<int:pk>/progress/", imports.import_progress, name="import-progress"),
    path("ofsted/", ofsted.ofsted_upload, name="ofsted"),
    path("ofsted/settings/", ofsted.ofsted_settings, name="ofsted-settings"),
    path(
        "ofsted/settings/<int:pk>/ignore/",
        ofsted.ofsted_setting_ignore,
        name="ofsted-setting-ignore",
    ),
    path("accounts/", accounts.organisation_list, name="organisations"),
    path("accounts/new/", accounts.organisation_edit, name="organisation-create"),
    path("accounts/<int:pk>/", accounts.organisation_edit, name="organisation-edit"),
    path("changes/", accounts.change_list, name="changes"),
    path("changes/<int:pk>/", accounts.change_decide, name="change-decide"),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        accounts.document_file,
        name="document",
    ),
    path("specialisms/", directory.specialism_list, name="specialisms"),
    path("specialisms/<int:pk>/", directory.specialism_edit, name="specialism-edit"),
    path("areas/", directory.area_list, name="areas"),
    path("areas/<int:pk>/", directory.area_edit, name="area-edit"),
]
