"""The workbook names of the Policy sheet: the contract between the template's formulas,
the sheet a user edits and `decider.policy_workbook`, which reads a policy back."""

from __future__ import annotations

from dataclasses import dataclass

POLICY_SHEET = "Policy"
PORTFOLIO_SHEET = "Portfolio"
PORTFOLIO_TABLE = "Portfolio"

INPUT_HEADERS = ("Business unit", "Employees", "AI maturity", "Regulation",
                 "AI budget (EUR/yr)", "Multi-country")
RESULT_HEADERS = ("Recommendation", "Centralization index", "Rationale")

# Bound words of a numeric range on the Policy sheet, and the policy key each stands for.
BOUND_WORDS = {"below": "below", "up to": "up_to"}
NO_BOUND = "otherwise"

# Rows of the exchange-rate table beyond the rates the policy already has: empty, to fill.
EMPTY_RATE_ROWS = 8


@dataclass(frozen=True, slots=True)
class _Names:
    policy_name: str = "PolicyName"
    decentralized_below: str = "DecentralizedBelow"
    centralized_above: str = "CentralizedAbove"
    min_known: str = "MinKnownCriteria"
    hybrid_source: str = "HybridSource"
    weight_size: str = "WeightSize"
    weight_maturity: str = "WeightMaturity"
    weight_regulation: str = "WeightRegulation"
    weight_budget: str = "WeightBudget"
    size_bounds: str = "SizeBounds"
    size_limits: str = "SizeLimits"
    size_votes: str = "SizeVotes"
    size_sources: str = "SizeSources"
    multi_country_vote: str = "MultiCountryVote"
    countries_above: str = "CountriesAbove"
    multi_country_source: str = "MultiCountrySource"
    phase_labels: str = "PhaseLabels"
    phase_forms: str = "PhaseForms"
    phase_votes: str = "PhaseVotes"
    phase_sources: str = "PhaseSources"
    month_bounds: str = "MonthBounds"
    month_limits: str = "MonthLimits"
    month_votes: str = "MonthVotes"
    month_sources: str = "MonthSources"
    level_labels: str = "LevelLabels"
    level_forms: str = "LevelForms"
    level_votes: str = "LevelVotes"
    level_mandatory: str = "LevelMandatory"
    level_sources: str = "LevelSources"
    sector_labels: str = "SectorLabels"
    sector_forms: str = "SectorForms"
    sector_levels: str = "SectorLevels"
    sector_sources: str = "SectorSources"
    budget_bounds: str = "BudgetBounds"
    budget_limits: str = "BudgetLimits"
    budget_votes: str = "BudgetVotes"
    budget_sources: str = "BudgetSources"
    rate_codes: str = "RateCodes"
    rate_values: str = "RateValues"
    regulation_choices: str = "RegulationChoices"
    index_breaks: str = "IndexBreaks"
    architectures: str = "Architectures"


N = _Names()
