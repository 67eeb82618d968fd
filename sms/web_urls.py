from django.urls import include, path

from sms import views

urlpatterns = [
    path("", views.home, name="home"),
    path("students/", include("students.urls")),
    path("courses/", include("courses.urls")),
    path("grades/", include("grades.urls")),
    path("attendance/", include("attendance.urls")),
    path("transfer/", include("sms.transfer.urls")),
]
