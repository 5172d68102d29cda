"""The "Decider summary" sheet: the facts it shows (`facts`), the sheet built with
XlsxWriter (`sheet`) and merged into the package (`add`)."""

from decider.workbook.summary.add import add_summary, check_sheet_name

__all__ = ["add_summary", "check_sheet_name"]
