from django.urls import path

from sms.transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.index, name="index"),
    path("imports/<str:kind>/", views.upload, name="upload"),
    path("imports/<str:kind>/template.<str:fmt>", views.template, name="template"),
    path("imports/<str:kind>/<str:token>/", views.preview, name="preview"),
    path("exports/<str:kind>.<str:fmt>", views.export, name="export"),
    path("report-cards/<int:pk>/", views.report_card, name="report-card"),
]
