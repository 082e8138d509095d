"""Charts as inline SVG, drawn by pygal: no script and no stylesheet from the network, so a page opens offline.

pygal links its tooltip script from the network by default (``Config.js``); every chart here is built with
``js=[]`` and its CSS inlined (pygal's ``file://`` styles), and is rendered as an ``<svg>`` element to embed.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["bar", "box", "dots", "offline"]


def _pygal() -> Any:
    """pygal, imported when a chart is drawn, not when this module is.

    Importing pygal appends a legacy ``sys.meta_path`` finder for its map plugins (unused here) that has no
    ``find_spec``, so Python warns (ImportWarning) on every later import that no finder resolves, and ``-W error``
    makes that an error in whatever imports a module after pygal. The finder pygal added is taken out as soon as
    pygal is imported; ``tests/contract/test_charts.py`` fails if pygal changes this.
    """
    before = list(sys.meta_path)
    import pygal  # noqa: PLC0415  (see above: imported when used)

    sys.meta_path[:] = [f for f in sys.meta_path if f in before or not isinstance(f, pygal.PluginImportFixer)]
    return pygal


def offline(**options: Any) -> dict[str, Any]:
    """pygal options for a chart embedded in a page that makes no request: no script, no XML declaration."""
    style = _pygal().style.Style(
        background="transparent",
        plot_background="transparent",
        font_family="system-ui, sans-serif",
        colors=("#2f6fb0", "#c0392b", "#d4a017", "#2e8b57", "#7d3c98", "#555555"),
    )
    return {"js": [], "disable_xml_declaration": True, "style": style, "explicit_size": False, **options}


def _svg(chart: Any) -> str:
    return str(chart.render(is_unicode=True))


def bar(title: str, values: Mapping[str, int], *, height: int = 320, width: int = 800) -> str:
    """Horizontal bars, one per label (in the order given)."""
    chart = _pygal().HorizontalBar(
        **offline(title=title, height=height, width=width, show_legend=False, print_values=True)
    )
    chart.x_labels = list(values)
    chart.add(title, list(values.values()))
    return _svg(chart)


def box(title: str, series: Mapping[str, Sequence[float]], *, height: int = 320) -> str:
    """A box plot per series (Tukey whiskers) on a logarithmic axis, e.g. response times per status: a few slow
    answers do not flatten the rest."""
    chart = _pygal().Box(**offline(title=title, height=height, box_mode="tukey", logarithmic=True))
    chart.x_labels = list(series)
    for name, values in series.items():
        chart.add(name, [max(v, 0.01) for v in values])
    return _svg(chart)


def dots(title: str, columns: Sequence[str], rows: Mapping[str, Sequence[int]], *, height: int) -> str:
    """A dot matrix: one row per series, one column per label, each dot sized by its value (0: no dot)."""
    chart = _pygal().Dot(
        **offline(title=title, height=height, show_legend=True, legend_at_bottom=False, x_label_rotation=0)
    )
    chart.x_labels = list(columns)
    for name, values in rows.items():
        chart.add(name, list(values))
    return _svg(chart)
