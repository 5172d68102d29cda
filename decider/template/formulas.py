"""The decision as plain Excel formulas, written over the Policy sheet's named cells.

Every formula is built from the references of the five inputs, so the same text serves
the Portfolio table (structured references to the row's cells) and the LAMBDA names
(`_xlpm.` parameters): a LAMBDA's body is, word for word, the native formula with its
parameters in place of the cells.

Only functions that Excel 2016 and LibreOffice both evaluate appear (IF, AND, OR, NOT,
ISNUMBER, ISLOGICAL, TRIM, SUBSTITUTE, INT, ROUND, INDEX, MATCH, IFERROR, SUMPRODUCT,
MID): none needs an `_xlfn.` prefix, and none is a dynamic-array function.
"""

from __future__ import annotations

from dataclasses import dataclass

from decider.template.names import N


@dataclass(frozen=True, slots=True)
class InputRefs:
    """How a formula refers to each input: a cell, a structured reference or a parameter."""

    size: str
    maturity: str
    regulation: str
    budget: str
    multi_country: str


@dataclass(frozen=True, slots=True)
class ResultFormulas:
    """The three result columns' formulas, without the leading '='."""

    architecture: str
    index: str
    rationale: str


NOT_ENOUGH = "Not enough information"
# What "Check inputs" explains, in pieces: Excel refuses a text constant of more than 255
# characters in a formula. The formulas match labels only; free text and other currencies
# are decider's reading, and the message says where to get it.
CANNOT_READ = (
    ": employees and budget (in euros) are numbers above 0; maturity a phase from the list "
    "or months (a number); multi-country yes, no or a number of countries; ",
    "regulation a level or sector label from the list. These formulas match labels only: "
    "decider score also reads free text (Retail Banking is Finance) and other currencies "
    "at the Policy sheet's rates",
)


def _blank(ref: str) -> str:
    # TRIM: a cell holding only spaces is blank for the engine too.
    return f'TRIM({ref})=""'


def _given(ref: str) -> str:
    return f"NOT({_blank(ref)})"


def _rank(value: str, bounds: str, limits: str) -> str:
    """Position of the first range that admits `value`: ranges are ordered, so it is one
    more than the number of ranges whose bound `value` has passed."""
    return (f'1+SUMPRODUCT(({bounds}="below")*({value}>={limits})'
            f'+({bounds}="up to")*({value}>{limits}))')


def _positive_number(ref: str) -> str:
    return f"AND(ISNUMBER({ref}),{ref}>0)"


def _multi_yes(c: str) -> str:
    return (f"IF(ISLOGICAL({c}),{c},IF(ISNUMBER({c}),{c}>{N.countries_above},"
            f'OR(TRIM({c})="yes",TRIM({c})="true")))')


def _label(ref: str) -> str:
    """A cell's text for MATCH against labels: trimmed, with MATCH's wildcards (* ? ~)
    escaped, so that "M*" is not read as "Mature" (the engine refuses it)."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(TRIM({ref}),"~","~~"),"*","~*"),"?","~?")'


def _regulation_row(r: str) -> str:
    """Row of the regulation's level: a level label, or a sector's level."""
    return (f"IFERROR(MATCH({_label(r)},{N.level_labels},0),"
            f"MATCH(INDEX({N.sector_levels},MATCH({_label(r)},{N.sector_labels},0)),"
            f"{N.level_labels},0))")


@dataclass(frozen=True, slots=True)
class _Parts:
    """Sub-expressions shared by the three formulas."""

    refs: InputRefs

    @property
    def all_blank(self) -> str:
        r = self.refs
        refs = (r.size, r.maturity, r.regulation, r.budget, r.multi_country)
        return "AND(" + ",".join(_blank(ref) for ref in refs) + ")"

    # --- what each input is worth -----------------------------------------------------

    @property
    def size_known(self) -> str:
        return f"OR({_multi_yes(self.refs.multi_country)},{_given(self.refs.size)})"

    @property
    def size_range_vote(self) -> str:
        return f"INDEX({N.size_votes},{_rank(self.refs.size, N.size_bounds, N.size_limits)})"

    @property
    def size_vote(self) -> str:
        s = self.refs.size
        return (f"IF({_multi_yes(self.refs.multi_country)},{N.multi_country_vote},"
                f"IF({_blank(s)},0,{self.size_range_vote}))")

    @property
    def maturity_vote(self) -> str:
        m = self.refs.maturity
        months = f"INDEX({N.month_votes},{_rank(m, N.month_bounds, N.month_limits)})"
        phase = f"INDEX({N.phase_votes},MATCH({_label(m)},{N.phase_labels},0))"
        return f"IF({_blank(m)},0,IF(ISNUMBER({m}),{months},{phase}))"

    @property
    def regulation_vote(self) -> str:
        r = self.refs.regulation
        return f"IF({_blank(r)},0,INDEX({N.level_votes},{_regulation_row(r)}))"

    @property
    def budget_vote(self) -> str:
        b = self.refs.budget
        rank = _rank(b, N.budget_bounds, N.budget_limits)
        return f"IF({_blank(b)},0,INDEX({N.budget_votes},{rank}))"

    @property
    def mandatory(self) -> str:
        r = self.refs.regulation
        return f"IF({_blank(r)},FALSE,INDEX({N.level_mandatory},{_regulation_row(r)})=TRUE)"

    # --- the decision -----------------------------------------------------------------

    def _known(self) -> tuple[tuple[str, str], ...]:
        r = self.refs
        return ((N.weight_size, self.size_known), (N.weight_maturity, _given(r.maturity)),
                (N.weight_regulation, _given(r.regulation)), (N.weight_budget, _given(r.budget)))

    @property
    def known_weight(self) -> str:
        return "+".join(f"{weight}*{known}" for weight, known in self._known())

    @property
    def known_count(self) -> str:
        return "+".join(f"({weight}>0)*{known}" for weight, known in self._known())

    @property
    def vote_sum(self) -> str:
        votes = (self.size_vote, self.maturity_vote, self.regulation_vote, self.budget_vote)
        weights = (N.weight_size, N.weight_maturity, N.weight_regulation, N.weight_budget)
        return "+".join(f"{w}*{v}" for w, v in zip(weights, votes, strict=True))

    @property
    def index(self) -> str:
        # Only a mandatory regulation whose weight is 0 leaves no known weight: the
        # division by zero then means "index 100", as in the engine.
        return f"IFERROR(({self.vote_sum})/({self.known_weight}),100)"

    @property
    def too_little(self) -> str:
        return f"{self.known_count}<{N.min_known}"

    # --- unreadable inputs ------------------------------------------------------------

    def _bad(self) -> tuple[tuple[str, str], ...]:
        r = self.refs
        s, m, reg, b, c = r.size, r.maturity, r.regulation, r.budget, r.multi_country
        phase = f"ISNUMBER(MATCH({_label(m)},{N.phase_labels},0))"
        words = ",".join(f'TRIM({c})="{word}"' for word in ("yes", "no", "true", "false"))
        country = (f"IF(ISLOGICAL({c}),TRUE,IF(ISNUMBER({c}),AND({c}>=0,{c}=INT({c})),"
                   f"OR({_blank(c)},{words})))")
        return (
            ("Employees", f"NOT(OR({_blank(s)},{_positive_number(s)}))"),
            ("AI maturity", f"NOT(OR({_blank(m)},{_positive_number(m)},{phase}))"),
            ("Regulation", f"NOT(OR({_blank(reg)},ISNUMBER({_regulation_row(reg)})))"),
            ("AI budget", f"NOT(OR({_blank(b)},{_positive_number(b)}))"),
            ("Multi-country", f"NOT({country})"),
        )

    @property
    def any_bad(self) -> str:
        return "OR(" + ",".join(test for _, test in self._bad()) + ")"

    @property
    def bad_list(self) -> str:
        """'AI maturity, Regulation': the unreadable inputs, by their column headers."""
        pieces = "&".join(f'IF({test},", {name}","")' for name, test in self._bad())
        return f"MID({pieces},3,200)"

    # --- the rationale ----------------------------------------------------------------

    @property
    def rationale(self) -> str:
        r = self.refs
        s, m, reg, b = r.size, r.maturity, r.regulation, r.budget
        size = (f'IF({_multi_yes(r.multi_country)},"multi-country ➜ "&{N.multi_country_vote},'
                f'IF({_blank(s)},"unknown",{s}&" employees ➜ "&{self.size_range_vote}))')
        maturity = (f'IF({_blank(m)},"unknown",TRIM({m})&IF(ISNUMBER({m})," months","")'
                    f'&" ➜ "&{self.maturity_vote})')
        regulation = (f'IF({_blank(reg)},"unknown",TRIM({reg})&" ➜ "&{self.regulation_vote}'
                      f'&IF({self.mandatory}," (mandatory: Centralized)",""))')
        budget = f'IF({_blank(b)},"unknown","€"&{b}&" ➜ "&{self.budget_vote})'
        return (f'"size: "&{size}&"; maturity: "&{maturity}&"; regulation: "&{regulation}'
                f'&"; budget: "&{budget}')


def result_formulas(refs: InputRefs) -> ResultFormulas:
    """The native formulas of the three result columns for one row's inputs."""
    p = _Parts(refs)
    # The Policy sheet's IndexBreaks turn the index into an architecture with one MATCH,
    # so the long index expression appears once (see policy_sheet.index_breaks).
    decided = (f"INDEX({N.architectures},MATCH(ROUND({p.index},9),{N.index_breaks},1))")
    architecture = (
        f'IF({p.all_blank},"",IF({p.any_bad},"Check inputs",'
        f'IF({p.mandatory},"Centralized",IF({p.too_little},"{NOT_ENOUGH}",{decided}))))'
    )
    index_formula = (f'IF({p.all_blank},"",IF({p.any_bad},"",'
                     f'IF(AND(NOT({p.mandatory}),{p.too_little}),"",{p.index})))')
    not_enough = (f'"{NOT_ENOUGH}: give at least "&{N.min_known}&" of employees, AI maturity,'
                  f' regulation and AI budget, or a mandatory regulation"')
    unreadable = '"Cannot read "&' + p.bad_list + "&" + "&".join(
        f'"{text}"' for text in CANNOT_READ)
    rationale = (f'IF({p.all_blank},"",IF({p.any_bad},{unreadable},'
                 f'IF(AND(NOT({p.mandatory}),{p.too_little}),{not_enough},{p.rationale})))')
    return ResultFormulas(architecture, index_formula, rationale)
