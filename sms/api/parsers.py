"""Request body parsers of the API (settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"])."""

import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, also refusing nesting too deep for Python's decoder.

    `[[[[…` ten thousand deep makes json.loads raise RecursionError, which DRF does not catch:
    a 500 for a 50 KB request. It is malformed input like any other, so a 400.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
        except ParseError as error:
            # DRF passes on the decoder's English reason; say where, in the client's language.
            raise ParseError(_where(error.__context__)) from error


def _where(decode_error):
    if isinstance(decode_error, json.JSONDecodeError):
        return _("The body is not valid JSON: check its syntax at line %(line)s, column %(column)s.") % {
            "line": decode_error.lineno, "column": decode_error.colno}
    return _("The body is not valid JSON: check its syntax and that it is UTF-8 text.")
