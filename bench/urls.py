"""The application's URLs plus the bench's own: the floors (API lists, pages' SQL) and two empty probes."""

from django.urls import path

from bench import floor
from sms.urls import handler400, handler403, handler404, handler500  # noqa: F401 (Django reads them here)
from sms.urls import urlpatterns as application

urlpatterns = [
    path("bench/probe/web/", floor.web_probe),
    path("bench/probe/api/", floor.ApiProbe.as_view()),
    path("bench/floor/sql/web/<str:key>/", floor.sql_floor_web),
    path("bench/floor/sql/api/<str:key>/", floor.sql_floor_api),
    path("bench/floor/<str:name>/", floor.floor_list),
    *application,
]
