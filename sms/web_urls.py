from django.urls import include, path

from sms import views

urlpatterns = [
    path("", views.home, name="home"),
    path("transfer/", include("sms.transfer.urls")),
]
