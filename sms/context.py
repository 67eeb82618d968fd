"""Who is acting, from where and through which entry point, for the current request or command.

Kept in context variables so history rows and audit entries written deep inside services can
record the user, IP address, request id and entry point without passing them through every call.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

SOURCE_WEB = "web"
SOURCE_API = "api"
SOURCE_ADMIN = "admin"
SOURCE_COMMAND = "command"


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
