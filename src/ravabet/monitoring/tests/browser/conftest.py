"""The kernel's browser fixtures (Playwright driving Debian's chromium), shared here."""

from ravabet.core.tests.browser.conftest import (  # noqa: F401 (pytest fixtures)
    browser,
    page,
    page_log,
    phone_page,
    screenshot,
    sign_in,
    sign_out,
)
