"""Sessions that end SESSION_COOKIE_AGE after signing in, however often they are saved since.

Django's database sessions set their expiry to "now + SESSION_COOKIE_AGE" each time they are
saved, and a session is saved whenever its data changes (a language switch, an import upload):
a switch at 15:00 would keep a morning's session alive until 23:00, past the school day the
settings promise. Here the sign-in time is kept in the session and the expiry never goes past
it plus SESSION_COOKIE_AGE. The cookie still ends with the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE).
"""

import datetime

from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends import db
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "sms_signed_in_at"  # a POSIX timestamp: session data is JSON


class SessionStore(db.SessionStore):
    def get_expiry_date(self, **kwargs):
        expiry = super().get_expiry_date(**kwargs)
        signed_in_at = self.get(SIGNED_IN_AT)
        if signed_in_at is None:
            return expiry
        started = datetime.datetime.fromtimestamp(signed_in_at, tz=datetime.UTC)
        return min(expiry, started + datetime.timedelta(seconds=self.get_session_cookie_age()))


@receiver(user_logged_in)
def stamp_the_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = timezone.now().timestamp()
