"""The charts are SVG that asks for nothing over the network, and importing them leaves Python's imports alone."""

from __future__ import annotations

import re
import sys
import warnings

import pytest

from mockserver.contract.reports.charts import bar, box, dots


def test_pygal_leaves_no_legacy_import_finder_behind() -> None:
    bar("b", {"x": 1})  # pygal is imported when a chart is drawn
    assert [type(f).__name__ for f in sys.meta_path if type(f).__name__ == "PluginImportFixer"] == []


def test_a_missing_module_after_the_charts_raises_no_import_warning() -> None:
    dots("d", ["a"], {"r": [1]}, height=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModuleNotFoundError):
            __import__("a_module_that_is_nowhere")


@pytest.mark.parametrize(
    "svg",
    [bar("b", {"x": 1, "y": 2}), box("t", {"200": [1.0, 2.0, 30.0]}), dots("d", ["a", "b"], {"r": [1, 0]}, height=200)],
    ids=["bar", "box", "dots"],
)
def test_a_chart_is_an_svg_element_linking_nothing(svg: str) -> None:
    """pygal's inline config script stays (it fetches nothing); its tooltip script, fetched by default, is gone."""
    links = set(re.findall(r'(?:href|src)="([^"]+)"', svg)) | set(re.findall(r"url\(([^)#][^)]*)\)", svg))
    assert (svg.startswith("<svg"), "kozea.github.io" in svg, links) == (True, False, set())
