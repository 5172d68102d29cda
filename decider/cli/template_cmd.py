"""`decider template`: write the matrix and portfolio workbook."""

from __future__ import annotations

from pathlib import Path

import click

from decider.cli.options import policy_option
from decider.errors import DeciderInputError
from decider.policy import Policy
from decider.template import FORMULA_MODES, FormulaMode, build_template
from decider.template.workbook import MAX_ROWS

_FORMULA_HELP = (
    "What the result columns hold: native (plain Excel formulas, no add-in), udf (the "
    "add-in's =ORCH_ARCH...), lambda (LAMBDA names, Excel 365, no add-in) or none (empty, "
    "for `decider score`)."
)


@click.command("template")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("orchestration_matrix.xlsx"), show_default=True,
              help="The workbook to write (.xlsx).")
@click.option("--formulas", type=click.Choice(FORMULA_MODES), default="native",
              show_default=True, help=_FORMULA_HELP)
@click.option("--rows", type=click.IntRange(1, MAX_ROWS), default=200, show_default=True,
              help="Portfolio rows made ready (the table grows as rows are added).")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@policy_option
def template_command(output: Path, formulas: FormulaMode, rows: int, force: bool,
                     policy: Policy) -> None:
    """Write the matrix sheet and a portfolio workbook that answers in plain Excel.

    Sheets: Matrix (the article's maturity matrix), Portfolio (a table of business units
    with their answers), Policy (the thresholds and votes in force, editable) and How to
    use.
    """
    if output.exists() and not force:
        raise click.ClickException(
            f"output '{output}' exists; give another -o PATH, or --force to replace it")
    try:
        written = build_template(output, formulas=formulas, rows=rows, policy=policy)
    except DeciderInputError as error:
        raise click.ClickException(error.one_line) from None
    except OSError as error:
        raise click.ClickException(
            f"output '{output}': cannot be written ({error.strerror or error})") from None
    click.echo(f"Wrote {written} ({formulas} formulas, {rows} portfolio rows, "
               f"policy: {policy.name})", err=True)
