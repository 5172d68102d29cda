"""Writing the answers into the portfolio sheet: which cells get which payloads (`plan`)
and the rewritten sheet with its styles, widths, highlights and grown table (`scored`)."""
