"""Numbers as a resource statement prints them: a few significant digits,
thousands separators, never e-notation (3,060 Mt, not 3.064e+09 t)."""
import math

DASH = "\u2013"


def significant(value, digits=3):
    """`value` rounded to `digits` significant digits, with thousands separators
    and no trailing exponent; a dash for a missing value."""
    if value is None or not math.isfinite(value):
        return DASH
    if value == 0:
        return "0"
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = round(value, decimals)
    if rounded == 0:
        return "0"
    # Rounding may carry into the next power of ten (99.96 -> 100.0).
    decimals = digits - 1 - math.floor(math.log10(abs(rounded)))
    rounded = round(rounded, decimals)
    return f"{rounded:,.{max(decimals, 0)}f}"


def megatonnes(tonnes, digits=3):
    """Tonnes as Mt with `digits` significant digits."""
    return significant(None if tonnes is None else tonnes / 1e6, digits)


def grade(value, decimals=2):
    if value is None or not math.isfinite(value):
        return DASH
    return f"{value:,.{decimals}f}"


def percent(fraction):
    """0.8848 -> '88 %'."""
    if fraction is None or not math.isfinite(fraction):
        return DASH
    return f"{100 * fraction:.0f} %"
