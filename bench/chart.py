"""The latency-vs-records chart beside bench/RESULTS.md: an SVG drawn by pygal, without JavaScript.

One line per (API, percentile): the median over the alternated runs of the never-repeating stream's p50 and p99,
against the records per API on a logarithmic axis. A flat line is the goal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pygal

__all__ = ["write_latency_chart"]


def write_latency_chart(path: Path, counts: Sequence[int], latency: Mapping[str, Sequence[float]]) -> None:
    """``latency`` maps a line's name (``events p50``) to its milliseconds at each of ``counts``."""
    chart = pygal.XY(
        js=[],  # no external script: the SVG renders as it is
        logarithmic=True,
        title="Never-repeating stream: latency against records per API (one core, 32 connections)",
        x_title="records per API",
        y_title="ms",
        show_dots=True,
        dots_size=3,
        legend_at_bottom=True,
        width=900,
        height=480,
        range=(0, max((max(v) for v in latency.values()), default=1.0) * 1.15),
        x_value_formatter=lambda x: f"{x:,.0f}",
        value_formatter=lambda y: f"{y:.1f} ms",
    )
    chart.logarithmic = False  # y stays linear: ratios of latency read as heights
    chart.x_labels = list(counts)
    for name, values in latency.items():
        chart.add(name, list(zip(counts, values, strict=True)))
    path.write_bytes(chart.render())
