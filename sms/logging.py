import logging

from sms import context


class RequestContextFilter(logging.Filter):
    """Stamps every log line with the request id of the request that produced it ("-" outside)."""

    def filter(self, record):
        record.request_id = context.current().request_id or "-"
        return True
