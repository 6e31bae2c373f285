"""Reading request bodies: what a body too deep or too odd to parse answers, in the person's language.

A JSON body nested thousands deep makes the parser raise RecursionError (a 500); a multipart part
whose headers pass Django's 1 KB limit (a file name of hundreds of characters) makes it raise
MultiPartParserError, which DRF and Django report in English parser jargon. Both answer 400 here:
the API through the parsers (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES), the pages through
`core.errors.bad_request` (handler400 in config/urls.py).
"""

from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 100


def too_deep(data, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests lists and objects more than `limit` deep (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth > limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, (dict, list)))
    return False


def json_too_deep_message() -> str:
    return _("The data is nested too deeply to be read (at most %(limit)d levels).") % {
        "limit": MAX_JSON_DEPTH
    }


def multipart_message(error: MultiPartParserError) -> str:
    """What to tell a person whose form with files could not be read."""
    if "header size" in str(error):
        return _("The file name is too long. Rename the file to something shorter and upload it again.")
    return _("The form with the file could not be read. Try uploading the file again.")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deep is a ParseError (400), not a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(json_too_deep_message()) from None
        if too_deep(data):
            raise ParseError(json_too_deep_message())
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser with messages for people instead of the parser's English."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as error:
            cause = error.__context__
            if isinstance(cause, MultiPartParserError):
                raise ParseError(multipart_message(cause)) from cause
            raise
