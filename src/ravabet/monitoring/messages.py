"""Persian (translated) sentences for the stable error codes of the fetcher and the parser."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ravabet.lib.feeds import ParseReason
from ravabet.lib.fetch import FetchErrorReason

MESSAGES = {
    FetchErrorReason.BAD_URL: _("The address is not a valid web address."),
    FetchErrorReason.BAD_SCHEME: _("Only http and https addresses can be fetched."),
    FetchErrorReason.BAD_PORT: _("The address uses a port that is not allowed."),
    FetchErrorReason.USERINFO: _("Addresses with a user name or password are not fetched."),
    FetchErrorReason.BLOCKED_ADDRESS: _(
        "The address leads to a private or internal network and was refused."
    ),
    FetchErrorReason.TOO_MANY_REDIRECTS: _("The site redirected too many times."),
    FetchErrorReason.DEADLINE: _("The site did not answer in time."),
    FetchErrorReason.TOO_LARGE: _("The response was larger than allowed."),
    FetchErrorReason.BAD_CONTENT_TYPE: _(
        "The site answered with something that is not a feed or a page."
    ),
    FetchErrorReason.BAD_ENCODING: _("The response could not be decoded."),
    FetchErrorReason.HTTP_STATUS: _("The site answered with an error."),
    FetchErrorReason.PROTOCOL: _("The site broke the HTTP protocol."),
    FetchErrorReason.CONNECT: _("The site could not be reached."),
    FetchErrorReason.TLS: _("The site's secure connection (certificate) failed."),
    FetchErrorReason.DNS: _("The site's name could not be found."),
    ParseReason.EMPTY: _("The feed was empty."),
    ParseReason.TOO_LARGE: _("The feed was larger than allowed."),
    ParseReason.BAD_COMPRESSION: _("The feed's compression is broken."),
    ParseReason.NOT_A_FEED: _("The address does not hold a feed; choose the listing page type."),
    ParseReason.MALFORMED_XML: _("The feed's XML is broken."),
    ParseReason.UNREADABLE_XML: _("The feed's XML could not be read."),
    ParseReason.MALFORMED_JSON: _("The feed's JSON is broken."),
    ParseReason.ITEM_WITHOUT_URL: _("The feed's items have no address."),
    ParseReason.ITEM_INVALID: _("The feed's items could not be read."),
    ParseReason.INTERNAL: _("The feed could not be read."),
}


def error_message(code: str) -> str:
    for reason, message in MESSAGES.items():
        if reason.value == code:
            return str(message)
    return str(_("Unknown error: %(code)s") % {"code": code}) if code else ""
