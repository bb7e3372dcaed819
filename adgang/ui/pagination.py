"""Pagination of the overview tables (DKFDS pagination include), the same on every page."""

from collections.abc import Callable

from django.core.paginator import Page


def pagination_context(page: Page, url_for: Callable[[int], str]) -> dict:
    """What `ui/includes/pagination.html` shows: « < 1 … 4 5 6 … 9 > », each with its URL.

    `url_for(number)` is the page's own URL for page `number`, keeping its filter and sort.
    """
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append({"ellipsis": True})
        else:
            links.append(
                {"number": number, "url": url_for(number), "current": number == page.number}
            )
    return {
        "page": page,
        "page_links": links,
        "first_url": url_for(1),
        "previous_url": url_for(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url_for(page.next_page_number()) if page.has_next() else "",
        "last_url": url_for(page.paginator.num_pages),
    }
