from django.urls import path

from review import import_views

app_name = "review_imports"

urlpatterns = [
    path("contests/<int:pk>/import-jurors/", import_views.jurors_import, name="jurors_import"),
    path(
        "contests/<int:pk>/import-jurors/template.csv",
        import_views.jurors_template,
        {"fmt": "csv"},
        name="jurors_template_csv",
    ),
    path(
        "contests/<int:pk>/import-jurors/template.xlsx",
        import_views.jurors_template,
        {"fmt": "xlsx"},
        name="jurors_template_xlsx",
    ),
]
