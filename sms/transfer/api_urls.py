from django.urls import path

from sms.transfer import api

urlpatterns = [
    path("imports/<str:kind>/", api.ImportView.as_view(), name="api-import"),
    path("exports/<str:kind>.<str:fmt>", api.ExportView.as_view(), name="api-export"),
    path("report-cards/<int:pk>/", api.ReportCardView.as_view(), name="api-report-card"),
]
