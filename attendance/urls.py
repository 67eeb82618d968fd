from django.urls import path

from attendance import views

app_name = "attendance"

urlpatterns = [
    path("course/<int:course_pk>/", views.attendance_roster, name="roster"),
    path("course/<int:course_pk>/summary/", views.course_summary, name="course-summary"),
]
