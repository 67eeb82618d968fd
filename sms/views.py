"""Site-wide pages: the dashboard, sign-in with a brute-force limit, and the language switch."""

import logging

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import i18n
from django_ratelimit.core import get_usage

from attendance.models import Attendance
from courses.models import Course
from courses.semesters import semester_of
from grades.models import Grade
from sms import preferences, roles
from sms.api.ratelimit import CACHE_ERRORS, ip_key

logger = logging.getLogger("sms.web")
LATEST_GRADES = 10
TOO_MANY_ATTEMPTS = gettext_lazy(
    "Too many sign-in attempts. Wait a minute, then try again; ask an administrator "
    "if you forgot your password."
)


@login_required
def home(request):
    """Today's tasks: the courses to take attendance for and the latest grades entered."""
    today = timezone.localdate()
    courses = _my_courses(request.user).filter(semester=semester_of(today)).annotate(
        taken_today=Exists(Attendance.objects.filter(course=OuterRef("pk"), date=today))
    )
    grades = Grade.objects.filter(course__in=_my_courses(request.user)).select_related(
        "student", "course"
    ).order_by("-created_at", "-id")[:LATEST_GRADES]
    return render(request, "home.html", {
        "today": today, "courses": courses.with_enrolled_count(), "latest_grades": grades,
        "can_manage": roles.can_write(request.user),
    })


def _my_courses(user):
    """Teachers see the courses they teach; administrators and viewers see every course."""
    courses = Course.objects.all()
    return courses.taught_by(user) if roles.is_teacher(user) else courses


def set_language(request):
    """Django's language switch, also remembered for a signed-in user (sms.preferences)."""
    if request.method == "POST" and request.user.is_authenticated:
        preferences.language_set(
            user=request.user, language=request.POST.get("language"), session=request.session
        )
    return i18n.set_language(request)


def _login_limited(request):
    """True when this sign-in attempt exceeds the per-IP or per-username limit."""
    username = request.POST.get("username", "").strip().lower()
    rates = settings.SMS_LOGIN_RATE_LIMITS
    checks = [("ip", ip_key, rates["ip"]), ("username", lambda group, req: username, rates["username"])]
    try:
        usages = [
            get_usage(request, group=f"sms-login-{name}", key=key, rate=rate, increment=True) or {}
            for name, key, rate in checks
        ]
        return any(usage.get("should_limit", False) for usage in usages)
    except CACHE_ERRORS as error:  # fail-open, as the API does (sms/api/ratelimit.py)
        logger.warning("Login rate limit cache unavailable, not limiting: %s", error)
        return False


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if _login_limited(request):
            # Unbound, so the password is never checked while the client is over the limit.
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            form.cleaned_data = {}
            form.add_error(None, TOO_MANY_ATTEMPTS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class AdminLoginForm(AdminAuthenticationForm):
    """The admin site's sign-in form (admin.site.login_form), under the staff sign-in's limit.

    Same counters as LoginView: a guesser alternating between /accounts/login/ and /admin/login/
    gets one budget, not two. Over the limit the password is never checked, so a right guess
    teaches nothing; below it, a wrong password is audited through authenticate()'s signal.
    """

    def clean(self):
        if _login_limited(self.request):
            raise ValidationError(TOO_MANY_ATTEMPTS, code="rate_limited")
        return super().clean()


def admin_login(request, extra_context=None):
    """The admin site's own sign-in page, answering 429 when AdminLoginForm refused the attempt."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.has_error(NON_FIELD_ERRORS, code="rate_limited"):
        response.status_code = 429
    return response
