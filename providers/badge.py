"""The verification badge: an SVG providers embed on their own sites, at a stable URL.

It shows the current band (or "Not yet rated", or "Withdrawn") and links back to the register's
page. Its ETag is the register's change version (``qaportal.http_cache``), which moves whenever a
band does, so caches revalidate and pick up a new band.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string

from qaportal.text import without_forbidden_characters

BAND_COLOURS = {1: "#00703c", 2: "#1d70b8", 3: "#6f3800", 4: "#942514"}
GREY = "#505a5f"


def badge_svg(*, name: str, status_text: str, band_rank: int | None, link: str) -> str:
    colour = BAND_COLOURS.get(band_rank or 0, GREY)
    label_width = 170
    status_width = max(90, 8 * len(status_text) + 20)
    return render_to_string(
        "directory/badge.svg",
        {
            # Escaped by the template; characters XML cannot hold at all are replaced, so the
            # badge stays well-formed whatever a row holds.
            "name": without_forbidden_characters(name),
            "status_text": without_forbidden_characters(status_text),
            "colour": colour,
            "link": link,
            "label_width": label_width,
            "status_width": status_width,
            "width": label_width + status_width,
            "status_x": label_width + status_width / 2,
        },
    )


# Short enough that a new band shows within minutes on providers' sites; revalidation is cheap.
BADGE_MAX_AGE = 300


def badge_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
