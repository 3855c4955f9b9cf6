"""The long statistic tables reshaped as matrices (groups × elements, criteria × groups) for reading
on the page and in the PDF report; the files keep the long form, which is easier to analyse."""

from collections.abc import Callable
from dataclasses import dataclass

from summaries.selectors import DIMENSION_LABELS, REGION_NOTE, Statistic, SummaryTables

DIMENSIONS = ["provider_type", "focus_level", "region"]
# What a statistic is called in a matrix's row or column.
Label = Callable[[Statistic], str]


@dataclass(frozen=True)
class Matrix:
    key: str
    title: str
    note: str
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list[Statistic | None]]]


def _matrix(key, title, note, row_heading, statistics, row_of, column_of) -> Matrix:
    columns = list(dict.fromkeys(column_of(stat) for stat in statistics))
    row_names = list(dict.fromkeys(row_of(stat) for stat in statistics))
    cells = {(row_of(stat), column_of(stat)): stat for stat in statistics}
    rows = [(name, [cells.get((name, column)) for column in columns]) for name in row_names]
    return Matrix(key, title, note, row_heading, columns, rows)


def _group(stat: Statistic) -> str:
    return stat.group_label


def _element(stat: Statistic) -> str:
    return stat.item_label


def _criterion(stat: Statistic) -> str:
    return f"{stat.item} {stat.item_label}"


def _by_dimension(
    statistics: list[Statistic], key: str, what: str, row_heading: str | None, row_of: Label, column_of: Label
) -> list[Matrix]:
    """One matrix per dimension, each with the whole selection as its first group (rows headed by
    ``row_heading``, or the dimension's name)."""
    return [
        _matrix(
            f"{key}-{dimension}",
            f"{what} scores by {DIMENSION_LABELS[dimension].lower()}",
            REGION_NOTE if dimension == "region" else "",
            row_heading or DIMENSION_LABELS[dimension],
            [stat for stat in statistics if stat.dimension in ("all", dimension)],
            row_of,
            column_of,
        )
        for dimension in DIMENSIONS
    ]


def statistic_matrices(tables: SummaryTables) -> dict[str, list[Matrix]]:
    """Elements: groups down, elements across. Criteria: criteria down, groups across."""
    return {
        "elements": _by_dimension(tables.element_statistics, "elements", "Element", None, _group, _element),
        "criteria": _by_dimension(
            tables.criterion_statistics, "criteria", "Criterion", "Criterion", _criterion, _group
        ),
    }
