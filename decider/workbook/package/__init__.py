"""The package layer: an .xlsx as a zip of XML parts. Opening it safely (`opening`),
streaming one sheet's XML at the byte level (`sheet`), shared strings (`strings`,
`shared`), styles (`styles`, `stylemerge`, `sheetformat`), Excel tables (`tables`),
rewriting a sheet as a stream (`writer`), and writing a new package where only the edited
parts change and every other part is copied byte for byte (`edits`, `manifest`,
`zipcopy`). Nothing here knows what a portfolio or a recommendation is."""

from decider.workbook.package.opening import (
    Package,
    SheetEntry,
    open_package,
    refuse_doctype,
    relationships,
    safe_parser,
)

__all__ = ["Package", "SheetEntry", "open_package", "refuse_doctype", "relationships",
           "safe_parser"]
