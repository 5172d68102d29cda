"""The xlsx I/O layer of `decider score`: safe opening, fast reading, and writing one
sheet's XML as a stream, with the few package parts its answers need (styles, shared
strings, a grown table) edited by appending, and a "Decider summary" sheet added with its
drawing and chart, while every other part of the package is copied byte for byte."""

from decider.workbook.errors import WorkbookError
from decider.workbook.package import Package, SheetEntry, open_package

__all__ = ["Package", "SheetEntry", "WorkbookError", "open_package"]
