"""Build `xlsx_templates/sample_portfolio.xlsx`: a realistic portfolio of business units.

It is what a CTO office's sheet looks like before `decider score` fills it: two title
lines above the table, headers in the office's own words, values typed in every form
people use ("4,200", "2,5 M€", "€800k", "18 months", "banking", TRUE), industries rather
than regulation levels ("Telco", "Food Retail", "Power & Utilities"), "N/A" and "TBD" for
what is not known, a totals row under the table, and the three
mistakes real sheets have (a budget in dollars, a typo in a maturity, a business unit
with only its name filled in). Decider must score every other row, say what is wrong
with the first two and count the third as a row with no inputs.

Kept as offices keep them (decision policy, section 10): a "Read me" sheet first, with
an example row (skipped: it is instructions); and a second region sheet, "APAC", whose
budgets are typed in thousands under "AI budget (k€)", with an industry column beside a
regulation column (the stricter is read), a section heading with no inputs and an
"APAC total" row of sums (skipped).

The build is deterministic (fixed creation date; XlsxWriter stamps every zip member
with the same date), so the committed file can be compared with a fresh build.

    python scripts/sample_portfolio.py            # writes xlsx_templates/sample_portfolio.xlsx
    python scripts/sample_portfolio.py OUT.xlsx
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "xlsx_templates" / "sample_portfolio.xlsx"

# The creation date written into docProps/core.xml: fixed, for reproducible builds.
CREATED = datetime(2026, 1, 5, 9, 0, 0)

TITLE = "Group CTO office: AI orchestration review of the business units"
SUBTITLE = "Survey of BU heads, Q3 2026. Budgets are yearly AI spend in euros."
HEADERS = ("Business unit", "Headcount", "AI maturity", "Sector", "AI budget", "Countries",
           "Owner", "Notes")
HEADER_ROW = 3  # zero-based: row 4 in Excel, below the titles and a blank line
FIRST_DATA_ROW = HEADER_ROW + 1

# (business unit, headcount, maturity, sector, budget, countries, owner, notes).
# None leaves a cell empty. The mix of forms is deliberate: it is what a survey returns.
UNITS: tuple[tuple[object, ...], ...] = (
    ("Retail Banking France", "4,200", "Mature", "banking", "2,5 M€", 1, "C. Martin", None),
    ("Corporate & Investment Banking", 6800, "Enterprise", "Finance", "€12M", 14, "A. Weber",
     "Model risk team in London"),
    ("Private Insurance", "1 350", "Scale-up", "insurance", "€1.8m", 3, "L. Rossi", None),
    ("Payments Platform", 420, "18 months", "payments", "900k", True, "J. Okafor", None),
    ("Group Data Science Lab", 38, "POC", "Pure tech", "€250k", 1, "S. Nguyen",
     "Sandbox only"),
    ("Digital Marketing", 75, "9 months", "Advertising", "€300k", "no", "M. Dubois", None),
    ("E-commerce", 260, "Scale-up", "SaaS", "1,2 M€", 4, "P. Silva", None),
    ("Customer Service Centres", "2,100", "2 years", "Medium", "EUR 3M", 6, "K. Tanaka",
     "Chatbot in production since 2024"),
    ("Hospital Network", "5k+", "Mature", "healthcare", "€6.5M", 2, "D. Schmidt", None),
    ("Medtech Devices", 900, "phase 2", "medtech", "2500000", "yes", "R. Costa", None),
    ("Pharma R&D", "3.2k", "Enterprise", "pharma", "€15M", 9, "E. Johansson",
     "GxP validated pipelines"),
    ("Public Sector Consulting", 640, "pilot", "government", "800k", 1, "F. Moreau", None),
    ("Defence Systems", "1,100", "Scale-up", "defence", "€4M", 2, "H. Brown",
     "On-premise only"),
    ("Cloud Software", 310, "Mature", "software", "€2.2M", 11, "I. Kowalski", None),
    ("Logistics", "1,900", "12 months", "Freight & logistics", "1.5M", 5, "T. Andersen", None),
    ("Manufacturing Europe", 3400, "Scale-up", "Industrial machinery", "€5.5M", 7,
     "G. Ferrari", None),
    ("Manufacturing Asia", 2800, "6 months", "Strong", "3M", 3, "W. Chen",
     "Budget includes 2 plants"),
    ("Energy Trading", 480, "Mature", "Power & Utilities", "$1.2M", 4, "N. Petrov",
     "Budget given in USD by the BU"),
    ("HR Shared Services", 150, "Scael-up", "Medium", "€400k", 1, "B. Laurent",
     None),
    ("Procurement", 95, "3 months", "Shared services", "€150k", 1, "Y. Haddad", None),
    ("Legal & Compliance", 60, "POC", "Critical", "€200k", 1, "O. Fischer",
     "Regulator review pending"),
    ("Retail Stores", "12,500", "phase 1", "Food Retail", "€1M", 8, "V. Moreno", None),
    ("Telecom Operations", "2.4k", "Enterprise", "Telco", "€7M", 3, "A. Novak", None),
    ("Mobile Apps", 45, "5 months", "tech", "€120k", 1, "C. Lee", None),
    ("Travel & Leisure", 220, "Scale-up", "Travel & Tourism", "€650k", 12, "J. Garcia", None),
    ("Real Estate", 130, "10 months", "N/A", "€350k", 1, "M. Lambert",
     "Sector not yet classified"),
    ("Wealth Management", 540, "24 months", "fintech", "4,5 M€", 5, "S. Müller", None),
    ("Media Studio", 85, "POC", "Media & Entertainment", "TBD", "FALSE", "R. Blanc",
     "Budget to be confirmed"),
    ("Automotive Aftersales", "1,600", "Mature", "Automotive", "€2M", 6, "D. Ivanova", None),
    ("New Ventures", None, None, None, None, None, None, "Created in September"),
    ("Agritech Pilot", 25, "pilot", "Pure tech", "€80k", 1, "L. Mercier", None),
)
WIDTHS = (32, 12, 14, 14, 12, 11, 14, 34)

APAC_SUBTITLE = "APAC region, Q3 2026. Budgets in thousands of euros a year."
APAC_HEADERS = ("Business unit", "Headcount", "AI maturity", "Industry",
                "Regulatory exposure", "AI budget (k€)", "Countries", "Owner")
APAC_WIDTHS = (30, 12, 14, 22, 20, 15, 11, 14)
# (business unit, headcount, maturity, industry, regulation, budget in k€, countries,
# owner); a row of one text is a section heading (no inputs).
APAC_UNITS: tuple[tuple[object, ...], ...] = (
    ("North Asia",),
    ("Japan Robotics", 1400, "Mature", "Industrial machinery", "Strong", 2400, 1,
     "K. Sato"),
    ("Korea Telco Services", 3100, "Enterprise", "Telco", "Medium", 7500, 1, "J. Park"),
    ("South-East Asia",),
    ("Singapore Wealth", 320, "Scale-up", "Wealth management", "Medium", 6000, 3,
     "T. Lim"),
    ("Jakarta Retail", 900, "POC", "Retail", "Light", 300, 1, "A. Wijaya"),
    ("Manila Shared Services", 2600, "12 months", "Shared services", "Light", 850, 1,
     "R. Santos"),
)
README_LINES = (
    "How to fill in the portfolio",
    "One row per business unit on the Portfolio and APAC sheets. Headcount in employees;",
    "AI maturity as a phase (POC, Scale-up, Mature, Enterprise) or months of practice;",
    "Sector or regulation in your words; AI budget a year (say the unit: 2.5M, 800k).",
)
README_EXAMPLE = ("Example: Retail Banking France", 4200, "Mature", "banking", "2,5 M€")


def build_sample_portfolio(path: Path) -> None:
    """Write the sample portfolio to `path` (deterministically)."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({
        "title": "AI orchestration portfolio",
        "author": "Group CTO office",
        "company": "Example Group",
        "created": CREATED,
    })
    _read_me(workbook)
    sheet = workbook.add_worksheet("Portfolio")
    title = workbook.add_format({"bold": True, "font_size": 14, "font_color": "#1F3864"})
    subtitle = workbook.add_format({"italic": True, "font_color": "#595959"})
    header = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864",
                                  "border": 1, "text_wrap": True, "valign": "vcenter"})
    text = workbook.add_format({"border": 1, "border_color": "#BFBFBF"})
    number = workbook.add_format({"border": 1, "border_color": "#BFBFBF",
                                  "num_format": "#,##0"})

    sheet.write(0, 0, TITLE, title)
    sheet.write(1, 0, SUBTITLE, subtitle)
    sheet.set_row(HEADER_ROW, 30)
    for column, (heading, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.write(HEADER_ROW, column, heading, header)
        sheet.set_column(column, column, width)
    for offset, unit in enumerate(UNITS):
        row = FIRST_DATA_ROW + offset
        for column, value in enumerate(unit):
            if value is None:
                sheet.write_blank(row, column, None, text)
            elif isinstance(value, bool):
                sheet.write_boolean(row, column, value, text)
            elif isinstance(value, int | float):
                sheet.write_number(row, column, value, number)
            else:
                sheet.write_string(row, column, str(value), text)

    last_row = FIRST_DATA_ROW + len(UNITS) - 1
    # A totals row under the table, as offices keep one: decider skips it.
    total = workbook.add_format({"bold": True, "top": 2, "num_format": "#,##0"})
    numbers = [u[1] for u in UNITS if isinstance(u[1], int | float)]
    sheet.write_string(last_row + 1, 0, "Total", total)
    sheet.write_formula(last_row + 1, 1, f"=SUM(B{FIRST_DATA_ROW + 1}:B{last_row + 1})",
                        total, sum(numbers))
    sheet.freeze_panes(FIRST_DATA_ROW, 1)
    sheet.autofilter(HEADER_ROW, 0, last_row, len(HEADERS) - 1)
    # Headcounts typed as numbers get a data bar, as offices like to see size at a glance.
    sheet.conditional_format(FIRST_DATA_ROW, 1, last_row, 1,
                             {"type": "data_bar", "bar_color": "#8EA9DB"})
    sheet.data_validation(FIRST_DATA_ROW, 2, last_row, 2, {
        "validate": "any",
        "input_title": "AI maturity",
        "input_message": "POC, Scale-up, Mature, Enterprise, or months practising AI",
    })
    _apac(workbook, title, subtitle, header, text, number, total)
    workbook.close()


def _read_me(workbook: xlsxwriter.Workbook) -> None:
    """Instructions with an example row: a sheet decider skips by its name."""
    sheet = workbook.add_worksheet("Read me")
    bold = workbook.add_format({"bold": True})
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 4, 14)
    for row, line in enumerate(README_LINES):
        sheet.write_string(row, 0, line, bold if row == 0 else None)
    sheet.write_row(len(README_LINES) + 1, 0, HEADERS[:5], bold)
    sheet.write_row(len(README_LINES) + 2, 0, README_EXAMPLE)


def _apac(workbook: xlsxwriter.Workbook, *formats: Format) -> None:
    """The second region: budgets in k€ by the header, industry and regulation columns,
    section headings and a totals row with the word at its end."""
    title, subtitle, header, text, number, total = formats
    sheet = workbook.add_worksheet("APAC")
    sheet.write(0, 0, TITLE, title)
    sheet.write(1, 0, APAC_SUBTITLE, subtitle)
    sheet.set_row(HEADER_ROW, 30)
    for column, (heading, width) in enumerate(zip(APAC_HEADERS, APAC_WIDTHS, strict=True)):
        sheet.write(HEADER_ROW, column, heading, header)
        sheet.set_column(column, column, width)
    heading = workbook.add_format({"bold": True, "italic": True})
    for offset, unit in enumerate(APAC_UNITS):
        row = FIRST_DATA_ROW + offset
        if len(unit) == 1:
            sheet.write_string(row, 0, str(unit[0]), heading)
            continue
        for column, value in enumerate(unit):
            if isinstance(value, int | float):
                sheet.write_number(row, column, value, number)
            else:
                sheet.write_string(row, column, str(value), text)
    last = FIRST_DATA_ROW + len(APAC_UNITS)  # zero-based: the totals row
    sheet.write_string(last, 0, "APAC total", total)
    for column, letter in ((1, "B"), (5, "F")):
        cached = sum(u[column] for u in APAC_UNITS if len(u) > 1
                     and isinstance(u[column], int | float))
        sheet.write_formula(last, column, f"=SUM({letter}{FIRST_DATA_ROW + 1}:{letter}{last})",
                            total, cached)


def main(argv: list[str]) -> None:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    build_sample_portfolio(output)
    units = len(UNITS) + sum(1 for unit in APAC_UNITS if len(unit) > 1)
    print(f"wrote {output} ({units} business units on two region sheets)")


if __name__ == "__main__":
    main(sys.argv)
