from django.urls import path

from privacy import log_views as views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("verify/", views.verify, name="verify"),
    path("break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/<int:pk>/review/", views.review, name="review"),
    path("networks/<int:pk>/report/", views.client_report, name="client_report"),
]
