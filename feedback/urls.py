from django.urls import path

from feedback import views

app_name = "feedback"
urlpatterns = [
    path("results/", views.results, name="results"),
    path("results/export.<str:fmt>", views.export, name="export"),
    path("<str:token>/", views.answer, name="answer"),
]
