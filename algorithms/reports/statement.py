"""The resource statement as a compact HTML table: one row per class, and for
each estimator its tonnage (Mt), grade and contained metal (t), rounded as a
statement is (three significant digits)."""
import html

from .numbers import grade as format_grade
from .numbers import megatonnes, significant


def statement_table(rows, grade_label="TREO %", metal_label="TREO t"):
    """`rows` from `resources.statement.resource_statement`, at one or more
    cut-offs (a cut-off column when there are several)."""
    estimators = list(dict.fromkeys(row["estimator"] for row in rows))
    keys = list(dict.fromkeys((row["cutoff"], row["class"]) for row in rows))
    several = len({cutoff for cutoff, _ in keys}) > 1
    by_key = {(row["estimator"], row["cutoff"], row["class"]): row for row in rows}
    head = ("<tr>" + ("<th rowspan='2'>cut-off</th>" if several else "") + "<th rowspan='2'>class</th>"
            + "".join(f"<th colspan='3'>{html.escape(name)}</th>" for name in estimators) + "</tr>")
    units = "".join(f"<th>Mt</th><th>{html.escape(grade_label)}</th><th>{html.escape(metal_label)}</th>"
                    for _ in estimators)
    body = []
    for cutoff, name in keys:
        style = " style='font-weight:bold'" if "+" in name else ""
        cells = [f"<td>{cutoff:g}</td>"] if several else []
        cells.append(f"<td style='text-align:left'>{html.escape(name)}</td>")
        for estimator in estimators:
            row = by_key[(estimator, cutoff, name)]
            cells += [f"<td>{megatonnes(row['tonnes'])}</td>", f"<td>{format_grade(row['grade'])}</td>",
                      f"<td>{significant(row['metal'])}</td>"]
        body.append(f"<tr{style}>{''.join(cells)}</tr>")
    return f"<table>{head}<tr>{units}</tr>{''.join(body)}</table>"
