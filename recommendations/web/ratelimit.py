"""Fixed-window rate limits counted in Django's cache (README, "Security settings")."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def client_address(request) -> str:
    # REMOTE_ADDR as the server sees it; behind a proxy, the proxy should set it (gunicorn's
    # --forwarded-allow-ips), since a client-sent X-Forwarded-For would let anyone reset
    # their own count.
    return request.META.get("REMOTE_ADDR", "")


def over_limit(scope: str, who: str, *, limit: int, window: int) -> bool:
    """Count one more attempt by ``who`` in ``scope``; True once more than ``limit`` were
    made in the current window of ``window`` seconds."""
    key = "wps-rl:" + hashlib.sha256(f"{scope}:{who}".encode()).hexdigest()
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
