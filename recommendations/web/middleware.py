"""Response headers every deployment expects (README, "Security settings")."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

# No page of this app uses a camera, a microphone, a location, payment or USB; say so, so an
# injected frame or script cannot ask for them either.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; ``Cache-Control: no-store`` on what a signed-in
    person sees and on every download, so a shared computer's cache or a proxy keeps no copy
    of a page or a PDF that only that person may read. Static files (whitenoise, earlier in
    the chain) keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if isinstance(response, FileResponse) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class UserLanguageMiddleware:
    """The language a person chose on /account/language/ (put in the session at login, so no
    query here), unless they switched for this session with the header's switch (Django's
    set_language cookie, which LocaleMiddleware has already honoured)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from recommendations.people.language import SESSION_KEY

        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and hasattr(request, "session"):
            language = request.session.get(SESSION_KEY)
            if language in dict(settings.LANGUAGES):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
