"""The three architectures as every workbook decider writes shows them: the order a report
lists them in, and one palette (fill, font) for the template, the scored sheet's
Recommendation column and the summary's chart."""

from __future__ import annotations

REPORT_ORDER: tuple[str, ...] = ("Centralized", "Hybrid", "Decentralized")

ARCHITECTURE_COLOURS: dict[str, tuple[str, str]] = {
    "Centralized": ("#1F4E79", "#FFFFFF"),
    "Hybrid": ("#FFD966", "#000000"),
    "Decentralized": ("#A9D08E", "#000000"),
}
