"""EXPLAIN ANALYZE of the recommendation list's paginated query, for each persona of the scale
benchmark and each filter and sort variant (issue 14: which indexes the plans use).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wps_bench .venv/bin/python -m benchmarks.explain_list \\
        bench-secretariat bench-focal-00 bench-expert

Reads the data ``make bench`` built (it changes nothing); prints each plan's execution time
and its scan, join and sort nodes.
"""

from __future__ import annotations

import re
import sys

VARIANTS = {
    "list": "", "status": "status=in_progress", "status -updated": "status=in_progress&sort=-updated",
    "-updated": "sort=-updated", "due": "sort=due", "stale": "stale=on", "overdue": "overdue=on", "search": "q=women",
}


def main(usernames: list[str], *, full: bool = False) -> None:
    from benchmarks import _django

    _django.start(migrate=False)
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import RequestFactory

    from recommendations.curation import selectors
    from recommendations.web import forms

    print(f"{connection.vendor} {connection.settings_dict['NAME']}")
    for username in usernames:
        user = User.objects.get(username=username)
        for name, query in VARIANTS.items():
            request = RequestFactory().get("/recommendations/?" + query)
            request.user = user
            filterset = forms.RecommendationListFilter(request.GET or None, request=request)
            # What the page reads: the sorted rows, or their merge (selectors.MergedRows).
            rows = selectors.merged_rows(
                selectors.with_list_details(filterset.qs), parts=filterset.branches(), sort=filterset.sort_key
            )
            page = rows.page(0, 50) if isinstance(rows, selectors.MergedRows) else rows[:50]
            sql, params = page.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
                plan = [row[0] for row in cursor.fetchall()]
            planning = next((line.strip() for line in plan if line.startswith("Planning Time")), "")
            print(f"--- {username} / {name} ({query or 'no filter'}): {plan[-1].strip()}; {planning}")
            if full:
                print("\n".join("    " + line for line in plan))
                continue
            for line in [line.strip() for line in plan if re.search(r"Scan|Sort|Join|Limit|Nested|Append", line)][:8]:
                print("    " + re.sub(r"\(actual time=[^)]*\)", "", line)[:160])


if __name__ == "__main__":
    # --full: every line of each plan; --only NAME: one variant (a key of VARIANTS).
    args = sys.argv[1:]
    if "--only" in args:
        i = args.index("--only")
        VARIANTS = {args[i + 1]: VARIANTS[args[i + 1]]}
        del args[i : i + 2]
    full = "--full" in args
    main([a for a in args if a != "--full"] or ["bench-secretariat", "bench-focal-00", "bench-expert"], full=full)
