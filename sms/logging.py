import logging

from sms import context


class RequestContextFilter(logging.Filter):
    """Stamps every log line with the request id of the request that produced it ("-" outside)."""

    def filter(self, record):
        record.request_id = context.current().request_id or _request_id_of(record) or "-"
        return True


def _request_id_of(record):
    # Django logs its 4xx warnings ("Not Found: ...", "Forbidden: ...") in the handler, after the
    # middleware's context has closed, but passes the request along: the middleware set its id there.
    # Other loggers' `request` may be something else entirely (django.server's is a socket).
    request_id = getattr(getattr(record, "request", None), "request_id", None)
    return request_id if isinstance(request_id, str) else None
