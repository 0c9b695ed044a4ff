"""A bar chart as server-rendered SVG, after the government analysis function's guidance:
one accessible colour, labelled axes, the values on the bars, and the data table beside
it on the page (the chart adds nothing the table does not say)."""

from decimal import Decimal
from html import escape

# The analysis function's dark blue, on white: contrast above 4.5:1.
BAR = "#12436D"
TEXT = "#0B0C0C"
GRID = "#B1B4B6"


def _label(value: Decimal | int | None, unit: str) -> str:
    if value is None:
        return "none"
    if unit == "£":
        return f"£{value:,.0f}"
    if unit == "%":
        return f"{value}%"
    return f"{value:g}" if isinstance(value, Decimal) else str(value)


def bar_chart(
    rows: list[tuple[str, Decimal | int | None]], *, unit: str, title_id: str, desc_id: str
) -> str:
    """Horizontal bars, one a row, sized to the largest value; a row with no value has no
    bar and says so."""
    height_each, label_width, width = 28, 140, 640
    values = [float(v) for _, v in rows if v is not None]
    top = max(values, default=0) or 1
    usable = width - label_width - 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" viewBox="0 0 {width} '
        f'{height_each * len(rows) + 10}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet">'
    ]
    for n, (label, value) in enumerate(rows):
        y = n * height_each + 5
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="14" '
            f'fill="{TEXT}">{escape(label)}</text>'
        )
        if value is not None:
            bar = max(float(value) / top * usable, 1) if float(value) > 0 else 0
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{bar:.1f}" height="20" '
                f'fill="{BAR}"></rect>'
            )
            parts.append(
                f'<text x="{label_width + bar + 6:.1f}" y="{y + 17}" font-size="14" '
                f'fill="{TEXT}">{escape(_label(value, unit))}</text>'
            )
        else:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 17}" font-size="14" fill="{TEXT}">none</text>'
            )
    parts.append(
        f'<line x1="{label_width}" y1="0" x2="{label_width}" '
        f'y2="{height_each * len(rows) + 10}" stroke="{GRID}"></line></svg>'
    )
    return "".join(parts)
