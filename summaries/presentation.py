"""The long statistic tables reshaped as matrices (groups × elements, criteria × groups) for reading
on the page and in the PDF report; the files keep the long form, which is easier to analyse."""

from dataclasses import dataclass

from summaries.selectors import DIMENSION_LABELS, REGION_NOTE, Statistic, SummaryTables

DIMENSIONS = ["provider_type", "focus_level", "region"]


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


def element_matrices(statistics: list[Statistic]) -> list[Matrix]:
    matrices = []
    for dimension in DIMENSIONS:
        selected = [stat for stat in statistics if stat.dimension in ("all", dimension)]
        note = REGION_NOTE if dimension == "region" else ""
        matrices.append(
            _matrix(
                f"elements-{dimension}",
                f"Element scores by {DIMENSION_LABELS[dimension].lower()}",
                note,
                DIMENSION_LABELS[dimension],
                selected,
                lambda stat: stat.group_label,
                lambda stat: stat.item_label,
            )
        )
    return matrices


def criterion_matrices(statistics: list[Statistic]) -> list[Matrix]:
    matrices = []
    for dimension in DIMENSIONS:
        selected = [stat for stat in statistics if stat.dimension in ("all", dimension)]
        note = REGION_NOTE if dimension == "region" else ""
        matrices.append(
            _matrix(
                f"criteria-{dimension}",
                f"Criterion scores by {DIMENSION_LABELS[dimension].lower()}",
                note,
                "Criterion",
                selected,
                lambda stat: f"{stat.item} {stat.item_label}",
                lambda stat: stat.group_label,
            )
        )
    return matrices


def statistic_matrices(tables: SummaryTables) -> dict[str, list[Matrix]]:
    return {
        "elements": element_matrices(tables.element_statistics),
        "criteria": criterion_matrices(tables.criterion_statistics),
    }
