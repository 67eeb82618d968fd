from django.urls import path

from grades import views

app_name = "grades"

urlpatterns = [
    path("course/<int:course_pk>/", views.grade_sheet, name="list"),
    path("course/<int:course_pk>/roster/", views.grade_roster, name="roster"),
    path("<int:pk>/edit/", views.grade_edit, name="edit"),
    path("<int:pk>/delete/", views.grade_delete, name="delete"),
]
