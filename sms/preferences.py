"""The page language each user chose, remembered across browsers and sign-ins.

Django keeps the language in a cookie, which a shared school computer or a new browser does not
have. We store the choice per user, copy it into the session at sign-in and let
UserLanguageMiddleware activate it, so a signed-in page costs no extra query.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import translation

from sms.models import UserPreference

SESSION_KEY = "sms_language"
SUPPORTED = {code for code, _name in settings.LANGUAGES}


def language_set(*, user, language, session=None):
    """Remember the user's language; ignores codes the site does not offer."""
    if language not in SUPPORTED:
        return
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    if session is not None:
        session[SESSION_KEY] = language


@receiver(user_logged_in)
def load_language_at_sign_in(sender, request, user, **kwargs):
    language = (
        UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    )
    if language and request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = language


class UserLanguageMiddleware:
    """After authentication: a signed-in user's remembered language wins over the cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request, "session", {}).get(SESSION_KEY)
        if language in SUPPORTED:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
