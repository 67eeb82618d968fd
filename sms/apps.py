from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "sms"
    verbose_name = "SMS"

    def ready(self):
        from sms import history  # noqa: F401  (connects the history context receiver)
