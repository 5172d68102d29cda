"""Reading the portfolio: which sheets hold it (`sheets`), where its header row is and
which column holds each input (`layout`), what each column's header and number formats
say about its numbers (`context`, `numformats`), the values of those columns in one
streaming pass (`reader`), formulas without a saved value (`formulas`), and the rows that
are not business units: totals, examples, rows with no inputs (`totals`)."""
