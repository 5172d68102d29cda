"""The value reader, under the name the rest of decider imported before it became the
package `decider.reading`."""

from decider.reading import (
    DISPLAY_NAMES,
    EXCEL_ERRORS,
    NOT_KNOWN,
    UNKNOWN,
    Reading,
    is_blank,
    read,
    show,
)

__all__ = ["DISPLAY_NAMES", "EXCEL_ERRORS", "NOT_KNOWN", "UNKNOWN", "Reading", "is_blank",
           "read", "show"]
