import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wpsfollowup.settings")
application = get_wsgi_application()

# What a web process loads once and keeps (Django, the models, every view module through the
# URLconf) is taken out of the garbage collector's sight: a full collection then looks only at
# what requests make. At 100,000 recommendations a full collection in a page's process took
# ~100 ms and landed on one request in about 25 (issue 14); frozen, ~40 ms. Collected first,
# so nothing frozen is garbage.
get_resolver().url_patterns  # noqa: B018 (imports every view module now, not at the first request)
gc.collect()
gc.freeze()
