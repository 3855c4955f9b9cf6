"""Small SVG charts for the summaries page and the PDF report, drawn by hand.

Readable in black and white: every series has a pattern (not only a colour), and every bar or point
carries its value as text, so a photocopy or a screen reader user loses nothing. Each chart is an
``<svg role="img">`` with a title and a description; the tables beside it hold the same figures.
"""

import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

from qaportal.display import score_figure
from summaries.selectors import BandCount, MonthCount, Statistic, SummaryTables

FONT = 'font-family="Liberation Sans, Arial, sans-serif"'
INK = "#0b0c0c"
# (name, SVG content of an 8×8 tile): solid, hatched, dotted, crossed, striped, light grey.
PATTERN_TILES = [
    ("solid", f'<rect width="8" height="8" fill="{INK}"/>'),
    (
        "hatch",
        f'<rect width="8" height="8" fill="#fff"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" '
        f'stroke="{INK}" stroke-width="1.6"/>',
    ),
    ("dots", f'<rect width="8" height="8" fill="#fff"/><circle cx="4" cy="4" r="1.8" fill="{INK}"/>'),
    (
        "cross",
        f'<rect width="8" height="8" fill="#fff"/><path d="M0,0 L8,8 M8,0 L0,8" stroke="{INK}" stroke-width="1.2"/>',
    ),
    (
        "stripes",
        f'<rect width="8" height="8" fill="#fff"/><path d="M0,2 H8 M0,6 H8" stroke="{INK}" stroke-width="1.4"/>',
    ),
    ("grey", '<rect width="8" height="8" fill="#b1b4b6"/>'),
]


def _defs(prefix: str) -> str:
    tiles = "".join(
        f'<pattern id="{prefix}-{name}" width="8" height="8" patternUnits="userSpaceOnUse">{tile}</pattern>'
        for name, tile in PATTERN_TILES
    )
    return f"<defs>{tiles}</defs>"


def _fill(prefix: str, index: int) -> str:
    return f"url(#{prefix}-{PATTERN_TILES[index % len(PATTERN_TILES)][0]})"


def _svg(prefix: str, width: int, height: int, title: str, description: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{prefix}-title {prefix}-desc" {FONT} font-size="12">'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(description)}</desc>'
        f"{_defs(prefix)}{body}</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", size: int = 12, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
        f'fill="{INK}">{escape(content)}</text>'
    )


def _bar(prefix: str, index: int, x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" height="{height:.1f}" '
        f'fill="{_fill(prefix, index)}" stroke="{INK}" stroke-width="1"/>'
    )


def band_chart(bands: list[BandCount], prefix: str = "bands") -> str:
    """Horizontal bars: programmes in each band, with count and share written beside each bar."""
    label_width, bar_area, row_height, width = 130, 330, 30, 600
    largest = max((band.programmes for band in bands), default=0) or 1
    body = []
    for position, band in enumerate(bands):
        y = 10 + position * row_height
        bar_width = bar_area * band.programmes / largest
        body.append(_text(label_width - 8, y + 15, band.band, anchor="end"))
        body.append(_bar(prefix, position, label_width, y, bar_width, row_height - 10))
        body.append(_text(label_width + bar_width + 6, y + 15, f"{band.programmes:,} ({band.share:.1f}%)"))
    height = 20 + len(bands) * row_height
    description = "; ".join(f"{band.band}: {band.programmes:,} programmes ({band.share:.1f}%)" for band in bands)
    return _svg(prefix, width, height, "Programmes by band", description, "".join(body))


def element_chart(statistics: list[Statistic], dimension: str = "provider_type", prefix: str = "elements") -> str:
    """Grouped horizontal bars: each element's mean score (1–4) for each group of a dimension."""
    rows = [stat for stat in statistics if stat.dimension == dimension]
    elements = list(dict.fromkeys((stat.item, stat.item_label) for stat in rows))
    groups = list(dict.fromkeys((stat.group, stat.group_label) for stat in rows))
    by_key = {(stat.group, stat.item): stat for stat in rows}
    label_width, bar_area, bar_height, gap, legend_height, width = 250, 300, 9, 12, 46, 640
    scale_max = 4.0
    abbreviations = distinct_abbreviations(dict(elements))
    body = [_legend(prefix, [f"{label} ({abbreviations[key]})" for key, label in elements], width)]
    top = legend_height
    for group_index, (group, group_label) in enumerate(groups):
        y0 = top + group_index * (len(elements) * bar_height + gap)
        body.append(_text(label_width - 8, y0 + len(elements) * bar_height / 2 + 4, _short(group_label, 38), "end"))
        for element_index, (key, _label) in enumerate(elements):
            stat = by_key.get((group, key))
            y = y0 + element_index * bar_height
            mean = stat.mean if stat and stat.mean is not None else 0
            bar_width = bar_area * mean / scale_max
            body.append(_bar(prefix, element_index, label_width, y, bar_width, bar_height - 1))
            short = abbreviations[key]
            caption = f"{short} {score_figure(mean)}" if stat and stat.mean is not None else f"{short} no data"
            body.append(_text(label_width + bar_width + 4, y + bar_height - 1.5, caption, size=8))
    chart_bottom = top + len(groups) * (len(elements) * bar_height + gap)
    body.append(_axis(label_width, bar_area, scale_max, top - 4, chart_bottom))
    description = "; ".join(
        f"{group_label}: "
        + ", ".join(
            f"{label} {score_figure(by_key[(group, key)].mean)}"
            for key, label in elements
            if (group, key) in by_key and by_key[(group, key)].mean is not None
        )
        for group, group_label in groups
    )
    return _svg(prefix, width, chart_bottom + 24, "Mean element scores by provider type", description, "".join(body))


def _legend(prefix: str, labels: list[str], width: int) -> str:
    parts, x = [], 10
    for index, label in enumerate(labels):
        parts.append(_bar(prefix, index, x, 10, 16, 12))
        parts.append(_text(x + 20, 21, label))
        x += 30 + 7 * len(label)
    return "".join(parts)


def _axis(x0: float, length: float, scale_max: float, top: float, bottom: float) -> str:
    ticks = []
    for value in range(int(scale_max) + 1):
        x = x0 + length * value / scale_max
        ticks.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="#b1b4b6" '
            'stroke-dasharray="2,3"/>'
        )
        ticks.append(_text(x, bottom + 14, str(value), anchor="middle", size=10))
    return "".join(ticks)


def distinct_abbreviations(labels: dict[str, str], shortest: int = 3) -> dict[str, str]:
    """Each label's shortest start (at least ``shortest`` letters) that no other label shares:
    Purpose and Process become "Pur" and "Pro", never both "P"."""
    abbreviations = {}
    for key, label in labels.items():
        others = [other for other_key, other in labels.items() if other_key != key]
        length = shortest
        while length < len(label) and any(other.startswith(label[:length]) for other in others):
            length += 1
        abbreviations[key] = label[:length]
    return abbreviations


def _short(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def trend_chart(months: list[MonthCount], prefix: str = "trend") -> str:
    """A line with square markers: reviews published each month, the count written above each point."""
    series = _every_month(months)
    width, height, left, right, top, bottom = 640, 240, 50, 20, 24, 50
    plot_width, plot_height = width - left - right, height - top - bottom
    largest = max((month.reviews for month in series), default=0) or 1
    step = plot_width / max(len(series) - 1, 1)
    points, body = [], []
    for index, month in enumerate(series):
        x = left + index * step
        y = top + plot_height * (1 - month.reviews / largest)
        points.append(f"{x:.1f},{y:.1f}")
        body.append(f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{INK}"/>')
        if len(series) <= 24 or index % 2 == 0:
            body.append(_text(x, y - 7, f"{month.reviews:,}", anchor="middle", size=9))
            body.append(_text(x, height - bottom + 16, f"{month.month:%b}", anchor="middle", size=9))
            if index == 0 or month.month.month == 1:
                body.append(_text(x, height - bottom + 30, f"{month.month:%Y}", anchor="middle", size=9))
    baseline = top + plot_height
    axis = (
        f'<line x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" stroke="{INK}"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{baseline}" stroke="{INK}"/>'
        + _text(left - 6, top + 4, f"{largest:,}", anchor="end", size=9)
        + _text(left - 6, baseline, "0", anchor="end", size=9)
    )
    line = f'<polyline points="{" ".join(points)}" fill="none" stroke="{INK}" stroke-width="2"/>' if points else ""
    description = "; ".join(f"{month.month:%B %Y}: {month.reviews:,} reviews" for month in series) or "No reviews."
    return _svg(prefix, width, height, "Reviews published by month", description, axis + line + "".join(body))


def _every_month(months: list[MonthCount]) -> list[MonthCount]:
    """The months from the first to the last, with the empty ones as zeros (a gap is a figure too)."""
    if not months:
        return []
    counts = {month.month: month.reviews for month in months}
    current, last, series = months[0].month, months[-1].month, []
    while current <= last:
        series.append(MonthCount(month=current, reviews=counts.get(current, 0)))
        current = (current.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return series


def summary_charts(tables: SummaryTables, prefix: str = "chart") -> dict[str, SafeString]:
    """The three charts, safe to place in a template: every piece of text in them went through escape()."""
    return {
        "bands": mark_safe(band_chart(tables.bands, prefix=f"{prefix}-bands")),
        "elements": mark_safe(element_chart(tables.element_statistics, prefix=f"{prefix}-elements")),
        "trend": mark_safe(trend_chart(tables.reviews_by_month, prefix=f"{prefix}-trend")),
    }
