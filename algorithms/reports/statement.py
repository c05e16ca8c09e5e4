"""The resource statement as a compact HTML table: one row per class, and for
each estimator its tonnage (Mt), grade and contained metal (t), rounded as a
statement is (three significant digits)."""
import html

from .numbers import grade as format_grade
from .numbers import megatonnes, significant


def statement_table(rows, grade_label="TREO %", metal_label="TREO t"):
    """`rows` from `resources.statement.resource_statement` (one cut-off)."""
    estimators = list(dict.fromkeys(row["estimator"] for row in rows))
    classes = list(dict.fromkeys(row["class"] for row in rows))
    by_key = {(row["estimator"], row["class"]): row for row in rows}
    head = "<tr><th rowspan='2'>class</th>" + "".join(
        f"<th colspan='3'>{html.escape(name)}</th>" for name in estimators) + "</tr>"
    units = "".join(f"<th>Mt</th><th>{html.escape(grade_label)}</th><th>{html.escape(metal_label)}</th>"
                    for _ in estimators)
    body = []
    for name in classes:
        style = " style='font-weight:bold'" if "+" in name else ""
        cells = [f"<td style='text-align:left'>{html.escape(name)}</td>"]
        for estimator in estimators:
            row = by_key[(estimator, name)]
            cells += [f"<td>{megatonnes(row['tonnes'])}</td>", f"<td>{format_grade(row['grade'])}</td>",
                      f"<td>{significant(row['metal'])}</td>"]
        body.append(f"<tr{style}>{''.join(cells)}</tr>")
    return f"<table>{head}<tr>{units}</tr>{''.join(body)}</table>"
