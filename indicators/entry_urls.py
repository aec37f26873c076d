from django.urls import path

from indicators import entry_views

app_name = "indicator_entry"
urlpatterns = [
    path("", entry_views.entry_form, name="form"),
    path("import/", entry_views.import_file, name="import"),
    path("import/template.csv", entry_views.import_template, name="template"),
]
