"""How a derived figure inherits the qualifier of the figures it is computed from: the one
written rule, used by every metric.

A published figure is either a *point* (``exact``, ``rounded``, ``about``; and ``implied`` for
a figure computed from published totals) or a *bound* (``over`` is a lower bound, ``under``
an upper bound). Each input contributes a *direction* to the result: a lower bound pushes the
true result up (+1), an upper bound down (-1), a point not at all (0). The rule:

1. **Sums, means and products of non-negative figures** (totals, YTD, rolling sums and means,
   run-rates): the directions of the inputs add up. With only lower bounds (and points) in it
   the result is a lower bound (``over``); with only upper bounds, an upper bound (``under``);
   with both, the result is bounded on neither side, so it is **null** (value and qualifier).
2. **Ratios** ``a / b`` of positive figures (growth rates, shares of a separate denominator,
   per-vehicle figures, margins): ``b`` enters with its direction reversed (a lower bound in the
   denominator makes the ratio an upper bound), then rule 1 applies. A growth rate
   ``cur / base - 1`` follows the ratio: "over 20,000" against an exact 15,000 is "over +33%",
   "over 20,000" against "over 20,000" is null (its direction is not certain).
3. **Differences** ``a - b`` (a remainder such as a total minus its published parts): ``b``
   enters reversed, as in a ratio.
4. **Shares of a total they are part of** ``a / (a + others)``: ``a`` keeps its direction and
   the others enter reversed.
5. **Points keep their precision**: among points the least precise wins, in the order
   ``exact`` < ``rounded`` < ``implied`` < ``about``. A result with any bound in it is a bound,
   rounded toward its side by the display, when its points are exact, rounded or implied (their
   imprecision is at most half a unit of a published digit). A bound combined with an ``about``
   point is **null**: "about 18,000" may be 17,500, so no floor computed from it is certain
   ("over 57,000", 40,016 and "about 18,000" have no certain mean above 38,300), and an
   approximately-bounded figure has no mark that would say so.

Qualifiers are ``pl.String`` or ``pl.Enum`` columns; every function here returns a
``pl.String`` expression named ``qualifier``. Missing inputs (null qualifiers) make the result
null. A mean over bounds therefore comes out as a bound, which is how it is flagged.
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "BOUNDS",
    "POINTS",
    "QUALIFIERS",
    "bounded_value",
    "direction",
    "is_bound",
    "qualifier_of_difference",
    "qualifier_of_ratio",
    "qualifier_of_share",
    "qualifier_of_sum",
]

#: Point qualifiers from most to least precise.
POINTS = ("exact", "rounded", "implied", "about")
#: Bound qualifiers: ``over`` is a lower bound, ``under`` an upper bound.
BOUNDS = ("over", "under")
#: Every qualifier a derived figure can carry.
QUALIFIERS = (*POINTS, *BOUNDS)
_RANK = {q: i for i, q in enumerate(POINTS)}
_DIRECTION = {"over": 1, "under": -1, **{q: 0 for q in POINTS}}


def _q(q: str | pl.Expr) -> pl.Expr:
    return (pl.col(q) if isinstance(q, str) else q).cast(pl.String)


def direction(q: str | pl.Expr) -> pl.Expr:
    """+1 for a lower bound (``over``), -1 for an upper bound (``under``), 0 for a point; null
    for a missing or unknown qualifier.

    >>> pl.DataFrame({"q": ["over", "under", "about", None]}).select(direction("q"))["direction"].to_list()
    [1, -1, 0, None]
    """
    return _q(q).replace_strict(_DIRECTION, default=None, return_dtype=pl.Int8).alias("direction")


def is_bound(q: str | pl.Expr) -> pl.Expr:
    """True for ``over`` and ``under``.

    >>> pl.DataFrame({"q": ["over", "exact"]}).select(is_bound("q"))["is_bound"].to_list()
    [True, False]
    """
    return _q(q).is_in(list(BOUNDS)).alias("is_bound")


def _rank(q: pl.Expr) -> pl.Expr:
    return q.replace_strict(_RANK, default=None, return_dtype=pl.Int8)


def _from_parts(up: pl.Expr, down: pl.Expr, rank: pl.Expr, missing: pl.Expr) -> pl.Expr:
    """The qualifier from: any lower bound pushing up, any upper bound pushing down, the worst
    point rank, and whether any input is missing."""
    worst = pl.lit(None, dtype=pl.String)
    for q, r in _RANK.items():
        worst = pl.when(rank == r).then(pl.lit(q)).otherwise(worst)
    return (
        pl.when(missing)
        .then(pl.lit(None, dtype=pl.String))
        .when(up & down)
        .then(pl.lit(None, dtype=pl.String))
        .when((up | down) & (rank == _RANK["about"]))
        .then(pl.lit(None, dtype=pl.String))
        .when(up)
        .then(pl.lit("over"))
        .when(down)
        .then(pl.lit("under"))
        .otherwise(worst)
        .alias("qualifier")
    )


def qualifier_of_sum(q: str | pl.Expr) -> pl.Expr:
    """Rule 1, as an aggregation: the qualifier of a sum (or mean, or product) of the group's
    figures. Use it in ``group_by(...).agg(...)`` or with ``.over(...)``.

    >>> def agg(*qs):
    ...     return pl.DataFrame({"q": list(qs)}).select(qualifier_of_sum("q"))["qualifier"][0]
    >>> agg("exact", "exact"), agg("exact", "rounded"), agg("rounded", "about"), agg("exact", "implied")
    ('exact', 'rounded', 'about', 'implied')
    >>> agg("exact", "over", "rounded"), agg("under", "exact"), agg("over", "under"), agg("exact", None)
    ('over', 'under', None, None)
    >>> agg("exact", "over", "about")  # a bound is never firmer than an approximate point in it

    """
    d = direction(q)
    return _from_parts((d == 1).any(), (d == -1).any(), _rank(_q(q)).max(), _q(q).is_null().any())


def _pair(a: str | pl.Expr, b: str | pl.Expr, *, reverse_b: bool) -> pl.Expr:
    da, db = direction(a), direction(b)
    if reverse_b:
        db = -db
    ra, rb = _rank(_q(a)), _rank(_q(b))
    rank = pl.max_horizontal(ra, rb)
    return _from_parts((da == 1) | (db == 1), (da == -1) | (db == -1), rank, _q(a).is_null() | _q(b).is_null())


def qualifier_of_ratio(numerator: str | pl.Expr, denominator: str | pl.Expr) -> pl.Expr:
    """Rule 2: the qualifier of ``numerator / denominator`` (and of a growth rate
    ``current / base - 1``), element by element.

    >>> df = pl.DataFrame({"a": ["over", "exact", "over", "over", "under", "exact", "rounded", "under"],
    ...                    "b": ["exact", "over", "under", "over", "exact", "about", "exact", "about"]})
    >>> df.select(qualifier_of_ratio("a", "b"))["qualifier"].to_list()
    ['over', 'under', 'over', None, 'under', 'about', 'rounded', None]
    """
    return _pair(numerator, denominator, reverse_b=True)


def qualifier_of_difference(minuend: str | pl.Expr, subtrahend: str | pl.Expr) -> pl.Expr:
    """Rule 3: the qualifier of ``minuend - subtrahend``, element by element. A total minus a
    part published as "over X" leaves "under" for the rest.

    >>> df = pl.DataFrame({"total": ["exact", "exact", "over", "over"], "part": ["over", "exact", "under", "over"]})
    >>> df.select(qualifier_of_difference("total", "part"))["qualifier"].to_list()
    ['under', 'exact', 'over', None]
    """
    return _pair(minuend, subtrahend, reverse_b=True)


def qualifier_of_share(part: str | pl.Expr, others: str | pl.Expr) -> pl.Expr:
    """Rule 4: the qualifier of ``part / (part + others)``, where ``others`` is the qualifier of
    the sum of the other parts (from :func:`qualifier_of_sum`). Same arithmetic as a ratio.

    >>> df = pl.DataFrame({"part": ["over", "exact", "over"], "others": ["exact", "over", "over"]})
    >>> df.select(qualifier_of_share("part", "others"))["qualifier"].to_list()
    ['over', 'under', None]
    """
    return _pair(part, others, reverse_b=True)


def bounded_value(value: str | pl.Expr, qualifier: str | pl.Expr) -> pl.Expr:
    """``value`` where ``qualifier`` is known, null where the rule left no qualifier (bounds in
    both directions): a derived figure is never shown without its qualifier.

    >>> df = pl.DataFrame({"v": [1.5, 2.0], "q": ["over", None]})
    >>> df.select(bounded_value("v", "q"))["v"].to_list()
    [1.5, None]
    """
    v = pl.col(value) if isinstance(value, str) else value
    return pl.when(_q(qualifier).is_not_null()).then(v)
