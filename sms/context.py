"""Who is acting, from where and through which entry point, for the current request or command.

Kept in context variables so history rows and audit entries written deep inside services can
record the user, IP address, request id and entry point without passing them through every call.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

SOURCE_WEB = "web"
SOURCE_API = "api"
SOURCE_ADMIN = "admin"
SOURCE_COMMAND = "command"
# Stored as the plain codes above; shown to people in their language.
SOURCE_LABELS = {
    SOURCE_WEB: gettext_lazy("web page"), SOURCE_API: gettext_lazy("API"),
    SOURCE_ADMIN: gettext_lazy("admin site"), SOURCE_COMMAND: gettext_lazy("command"),
}


def source_label(source):
    return SOURCE_LABELS.get(source, source)


@dataclass(frozen=True)
class ActorContext:
    request: object = None
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    source: str = SOURCE_COMMAND

    @property
    def user(self):
        """The request's user, read late: DRF authenticates tokens after middleware has run."""
        user = getattr(self.request, "user", None)
        return user if getattr(user, "is_authenticated", False) else None


_current = contextvars.ContextVar("sms_actor", default=ActorContext())  # noqa: B039 (frozen dataclass)


def current():
    return _current.get()


@contextmanager
def acting(**values):
    """Run a block with the given actor context, e.g. acting(source=SOURCE_COMMAND)."""
    token = _current.set(ActorContext(**values))
    try:
        yield
    finally:
        _current.reset(token)


def source_for_path(path):
    if path.startswith("/api/"):
        return SOURCE_API
    if path.startswith("/admin/"):
        return SOURCE_ADMIN
    return SOURCE_WEB
