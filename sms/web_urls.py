from django.urls import include, path

from sms import views

urlpatterns = [
    path("", views.home, name="home"),
    path("students/", include("students.urls")),
    path("courses/", include("courses.urls")),
    path("transfer/", include("sms.transfer.urls")),
]
