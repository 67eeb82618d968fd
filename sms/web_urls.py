from django.urls import path

from sms import views

urlpatterns = [
    path("", views.home, name="home"),
]
