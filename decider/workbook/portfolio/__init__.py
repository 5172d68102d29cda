"""Reading the portfolio (decision policy, sections 8 and 10): which sheets hold it, where
their header row is and which column holds each input (`layout`, on the header words of
`decider.headers`); what each column's header and each cell's number format say about its
numbers (`context`, `numformats`); the values of those columns in one streaming pass
(`reader`); formulas without a saved value (`formulas`); which rows are business units and
which are totals, examples or rows with no inputs (`totals`, `units`); one sheet read and
scored (`scoring`); and the same rules on a CSV or Parquet table (`tablefile`)."""
