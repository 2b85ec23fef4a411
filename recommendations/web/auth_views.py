"""The password-reset request, with its link built from SITE_URL and a rate limit."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect

from recommendations.web.ratelimit import client_address, over_limit

log = logging.getLogger(__name__)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, but the emailed link starts with SITE_URL (never the request's Host
    header, which a client chooses), and at most WPS_PASSWORD_RESET_LIMIT requests an hour
    per client address and per address asked for. Over the limit the page says the same as
    usual ("if an account has that address, an email is on its way"), and nothing is sent."""

    def form_valid(self, form):
        limit = settings.WPS_PASSWORD_RESET_LIMIT
        email = form.cleaned_data["email"].strip().lower()
        by_client = over_limit("password-reset-ip", client_address(self.request), limit=limit, window=3600)
        by_email = over_limit("password-reset-email", email, limit=limit, window=3600)
        if by_client or by_email:
            log.warning("Password reset refused: over the limit (client %s)", client_address(self.request))
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {**(self.extra_email_context or {}), "site_url": settings.SITE_URL}
        return super().form_valid(form)
