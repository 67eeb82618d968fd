from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_create, name="create"),
    path("deleted/", views.course_deleted_list, name="deleted"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/edit/", views.course_edit, name="edit"),
    path("<int:pk>/delete/", views.course_delete, name="delete"),
    path("<int:pk>/restore/", views.course_restore, name="restore"),
    path("<int:pk>/enrol/", views.course_enrol, name="enrol"),
    path("<int:pk>/enrollments/<int:enrollment_pk>/unenrol/", views.course_unenrol, name="unenrol"),
]
