"""The resource statement: tonnage, grade and contained metal above a cut-off
per resource class (Measured, Indicated, their sum, Inferred), for every
estimate of the same blocks.

The class is the block's (drill spacing and estimation confidence do not depend
on which estimator's grade is reported); Unclassified blocks are not part of a
resource and are left out."""
import numpy as np

STATEMENT_CLASSES = ("Measured", "Indicated", "Measured + Indicated", "Inferred")
MEMBERS = {"Measured": ("Measured",), "Indicated": ("Indicated",), "Measured + Indicated": ("Measured", "Indicated"),
           "Inferred": ("Inferred",)}


def resource_statement(classes, grades, tonnage, cutoff, metal_factor=0.01):
    """Rows {estimator, class, cutoff, tonnes, grade, metal} for each estimate in
    `grades` {name: (n,) grade} and each STATEMENT_CLASSES entry: blocks of that
    class with a grade >= `cutoff`; metal = tonnes x grade x `metal_factor`
    (0.01 for a grade in %), grade NaN where no tonnage is left. `classes` (n,)
    class names, None when the blocks are not classified (one row per estimate,
    class "All blocks")."""
    tonnage = np.asarray(tonnage, dtype=float)
    classes = None if classes is None else np.asarray(classes).astype(str)
    groups = {"All blocks": np.ones(len(tonnage), dtype=bool)} if classes is None else {
        name: np.isin(classes, members) for name, members in MEMBERS.items()}
    rows = []
    for estimator, grade in grades.items():
        grade = np.asarray(grade, dtype=float)
        with np.errstate(invalid="ignore"):
            above = np.isfinite(grade) & (grade >= cutoff)
        for name, members in groups.items():
            chosen = above & members
            tonnes = float(tonnage[chosen].sum())
            metal_units = float((tonnage[chosen] * grade[chosen]).sum())
            rows.append({"estimator": estimator, "class": name, "cutoff": float(cutoff), "tonnes": tonnes,
                         "grade": metal_units / tonnes if tonnes > 0 else float("nan"),
                         "metal": metal_units * metal_factor})
    return rows
