"""Terminal plots: the data (`Plot`, `Curve`), cleaning it, and drawing it with plotext.

This is the only module that imports plotext (5.3.x, classic API). plotext keeps one global
figure, so every drawing clears it first and holds a lock while it builds.

Data first: a `Plot` holds the finite points it draws, the view ranges, notes for the learner
and extra text lines (a tangent's equation). `tutor.render_plot` turns it into a renderable whose
size follows the console at render time.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numpy as np

# matplotlib colour letters → plotext colours (bright variants read well on dark and light backgrounds)
FMT_COLORS = {
    "b": "blue+", "g": "green+", "r": "red+", "c": "cyan+", "m": "magenta+",
    "y": "orange+", "k": "default", "w": "white",
}
# C0..C9 of matplotlib's cycle, as near as the 16 terminal colours allow
CYCLE = ["blue+", "orange", "green+", "red+", "magenta+", "cyan+", "gray", "blue", "green", "red"]
# 8-bit codes of plotext's colour names (for the legend, drawn by rich)
COLOR_CODES = {
    "black": 0, "red": 1, "green": 2, "orange": 3, "blue": 4, "magenta": 5, "cyan": 6, "gray+": 7,
    "gray": 8, "red+": 9, "green+": 10, "orange+": 11, "blue+": 12, "magenta+": 13, "cyan+": 14,
    "white": 15,
}
# without colour, curves are told apart by the character they are drawn with
PLAIN_MARKERS = ["•", "+", "x", "o", "*", "#", "=", "%"]
# matplotlib marker letters → characters
MARKERS = {".": "•", ",": "·", "o": "o", "x": "x", "X": "x", "+": "+", "P": "+", "*": "*",
           "s": "■", "D": "◆", "d": "◆", "^": "▲", "v": "▼", "<": "◀", ">": "▶", "p": "⬟",
           "h": "⬢", "H": "⬢", "|": "|", "_": "_", "1": "Y", "2": "Y", "3": "Y", "4": "Y"}
LINE_STYLES = ("--", "-.", "-", ":")

CLIP_QUANTILE = 0.02  # the robust y-range looks at the 2% and 98% quantiles ...
CLIP_FACTOR = 3.0  # ... and clips when an extreme lies beyond them by more than 3 spreads (a pole)

_LOCK = threading.RLock()


class PlotError(ValueError):
    """Data that cannot be plotted (the message is one sentence for the learner)."""


# -- numbers ---------------------------------------------------------------------------------------


def number_text(value: float, digits: int = 6) -> str:
    """A number without float noise: 4.000000000000001 → '4', -0.0 → '0', 0.5403023 → '0.540302'."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    nearest = round(value)
    if abs(value - nearest) <= 1e-9 * max(1.0, abs(value)):
        value = float(nearest)
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 10.0**digits:
        return str(int(value))
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def line_equation(slope: float, intercept: float) -> str:
    """'y = 4x - 4', 'y = -x + 0.5', 'y = 3', 'y = 2x' (numbers cleaned by `number_text`)."""
    m, b = number_text(slope), number_text(intercept)
    if m == "0":
        return f"y = {b}"
    term = {"1": "x", "-1": "-x"}.get(m, f"{m}x")
    if b == "0":
        return f"y = {term}"
    sign = "-" if b.startswith("-") else "+"
    return f"y = {term} {sign} {b.lstrip('-')}"


def nice_ticks(lo: float, hi: float, target: int) -> tuple[list[float], list[str]]:
    """About `target` round tick values in [lo, hi] (steps of 1, 2, 2.5 or 5 × 10^k) and their labels."""
    span = hi - lo
    if not (math.isfinite(span) and span > 0):
        return [], []
    raw = span / max(target, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = magnitude * 10
    for m in (1, 2, 2.5, 5, 10):
        if span / (m * magnitude) <= target + 1:
            step = m * magnitude
            break
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    values = [k * step for k in range(first, last + 1)]
    decimals = next(d for d in range(16) if abs(round(step, d) - step) <= step * 1e-9)
    big = max(abs(lo), abs(hi)) >= 1e6 or step < 1e-4
    labels = [
        number_text(v, 3) if big else ("0" if abs(v) < step * 1e-9 else f"{v:.{decimals}f}")
        for v in values
    ]
    return values, labels


def log_ticks(lo: float, hi: float) -> tuple[list[float], list[str]]:
    """Powers of ten in [lo, hi] (lo > 0) and their labels."""
    first, last = math.ceil(math.log10(lo) - 1e-9), math.floor(math.log10(hi) + 1e-9)
    if last - first > 12:
        step = math.ceil((last - first) / 8)
        first = step * math.ceil(first / step)
    else:
        step = 1
    values = [10.0**k for k in range(first, last + 1, step)]
    return values, [number_text(v, 3) for v in values]


# -- data ------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Curve:
    """One curve: its finite points (in order) and how it is drawn."""

    x: np.ndarray
    y: np.ndarray
    label: str | None = None
    color: str | None = None  # a plotext colour name
    line: str = "-"  # '-', '--', '-.', ':' or '' (markers only)
    marker: str | None = None  # character drawn at every point, if any
    in_range: bool = True  # whether it counts for the automatic y-range
    starts: tuple[int, ...] = ()  # where a new piece begins (after points were dropped)
    z: int = 0  # curves with a higher z are drawn later, on top

    def pieces(self):
        """(x, y) of each connected piece."""
        bounds = [0, *self.starts, len(self.x)]
        for a, b in zip(bounds, bounds[1:]):
            if b > a:
                yield self.x[a:b], self.y[a:b]


class Figures(list):
    """Several plots made by one input (plot() in a loop), shown one after another."""


@dataclass(eq=False)
class Plot:
    """A plot: curves, labels, the view ranges, notes for the learner and text lines under it."""

    curves: list[Curve]
    title: str | None = None
    xlabel: str | None = None
    ylabel: str | None = None
    xlim: tuple[float, float] | None = None
    ylim: tuple[float, float] | None = None
    xscale: str = "linear"
    yscale: str = "linear"
    figsize: tuple[float, float] | None = None  # inches, as in matplotlib; None: the full width
    notes: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    caption: str | None = None  # how the curves were computed (shown dim, last)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def curve(self, label: str) -> Curve:
        """The curve with this legend label."""
        for c in self.curves:
            if c.label == label:
                return c
        raise KeyError(f"no curve labelled {label!r}; the labels are {[c.label for c in self.curves]}")

    @property
    def labels(self) -> list[str | None]:
        return [c.label for c in self.curves]

    def __repr__(self) -> str:
        n = len(self.curves)
        what = f"{n} curve{'s' if n != 1 else ''}"
        if self.xlim:
            what += f", x from {number_text(self.xlim[0], 4)} to {number_text(self.xlim[1], 4)}"
        return f"<Plot: {self.title + ', ' if self.title else ''}{what}>"

    def text(self, width: int = 80, height: int = 20, color: bool = False) -> str:
        """The plot area drawn at a fixed size (no legend or notes; see tutor.render_plot)."""
        key = (width, height, color)
        if key not in self._cache:
            self._cache[key] = build_text(self, width, height, color=color)
        return self._cache[key]


def parse_fmt(fmt: str | None) -> tuple[str | None, str, str | None]:
    """A matplotlib format string such as 'm--', 'g-.', 'ro' → (plotext colour, line style, marker)."""
    fmt = fmt or ""
    color = line = marker = None
    i = 0
    while i < len(fmt):
        two = fmt[i : i + 2]
        if two in ("--", "-."):
            line, i = two, i + 2
            continue
        ch = fmt[i]
        if ch in "-:":
            line = ch
        elif ch == "C" and i + 1 < len(fmt) and fmt[i + 1].isdigit():
            color, i = CYCLE[int(fmt[i + 1])], i + 1
        elif ch in FMT_COLORS:
            color = FMT_COLORS[ch]
        elif ch in MARKERS:
            marker = MARKERS[ch]
        i += 1
    if line is None:
        line = "" if marker else "-"
    return color, line, marker


def _dropped_note(xs: np.ndarray, kinds: list[str]) -> str:
    """One line: how many points were left out, why, and where."""
    finite = np.unique(xs[np.isfinite(xs)])
    count = len(finite) + int((~np.isfinite(xs)).any())
    what = " or ".join(kinds)
    if any(k in ("nan", "inf", "-inf") for k in kinds):
        what += " (not finite)"
    if count == 1 and len(finite) == 1:
        return f"note: left out the point at x = {number_text(finite[0], 3)}, which is {what}."
    where = ""
    if len(finite):
        where = f", x from {number_text(finite.min(), 3)} to {number_text(finite.max(), 3)}"
    return f"note: left out {count} points that are {what}{where}."


def make_plot(
    curves: list[Curve],
    *,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    xlim=None,
    ylim=None,
    xscale: str = "linear",
    yscale: str = "linear",
    figsize=None,
    lines: list[str] | None = None,
    caption: str | None = None,
    robust: bool = True,
) -> Plot:
    """Clean the curves (drop non-finite points, split at gaps), pick view ranges, write the notes.

    Each curve's x and y are 1-D float arrays of the same length. Points where x or y is nan or
    ±inf (or not positive on a log axis) are dropped and reported in one note. Unless `ylim` is
    given, the y-range covers the data, but is clipped (with a note) when a few huge values, such
    as those near a pole, would squash everything else into one row.
    """
    for scale, axis in ((xscale, "x"), (yscale, "y")):
        if scale not in ("linear", "log"):
            raise PlotError(f"{axis}scale must be 'linear' or 'log', not {scale!r}")
    notes: list[str] = []
    dropped, kinds, cleaned = [], [], []
    for c in curves:
        x = np.asarray(c.x, dtype=np.float64).ravel()
        y = np.asarray(c.y, dtype=np.float64).ravel()
        if len(x) != len(y):
            raise PlotError(f"x has {len(x)} values but y has {len(y)}; they must have the same length")
        keep = np.isfinite(x) & np.isfinite(y)
        for values in (y[~keep], x[~keep]):
            for kind, test in (("nan", np.isnan), ("inf", np.isposinf), ("-inf", np.isneginf)):
                if kind not in kinds and test(values).any():
                    kinds.append(kind)
        for scale, values, axis in ((xscale, x, "x"), (yscale, y, "y")):
            if scale == "log":
                nonpos = keep & (values <= 0)
                if nonpos.any():
                    kinds.append(f"{axis} ≤ 0 on a log axis")
                    keep &= ~nonpos
        dropped.append(x[~keep])
        starts = tuple(int(i) for i in np.flatnonzero(np.diff(np.cumsum(~keep)[keep]) > 0) + 1)
        cleaned.append(Curve(x[keep], y[keep], c.label, c.color, c.line, c.marker, c.in_range, starts, c.z))
    if kinds:
        notes.append(_dropped_note(np.concatenate(dropped), kinds))
    all_x = [c.x for c in cleaned if len(c.x)]
    if not all_x:
        raise PlotError("nothing to draw: every point is nan or inf (or not positive on a log axis)")
    if xlim is None:
        xs = np.concatenate(all_x)
        xlim = (float(xs.min()), float(xs.max()))
        if xlim[0] == xlim[1]:
            xlim = (xlim[0] - 1, xlim[1] + 1)
    else:
        xlim = _limits(xlim, "xlim")
    if ylim is None:
        ylim = _auto_ylim(cleaned, xlim, notes, robust and yscale == "linear", yscale == "log")
    else:
        ylim = _limits(ylim, "ylim")
    xlim = _log_safe(xlim, xscale, [c.x for c in cleaned], "x", notes)
    ylim = _log_safe(ylim, yscale, [c.y for c in cleaned], "y", notes)
    for c in cleaned:
        if c.line:
            c.starts = tuple(sorted(set(c.starts) | set(jump_starts(c.y, ylim, yscale == "log"))))
    return Plot(cleaned, title, xlabel, ylabel, xlim, ylim, xscale, yscale,
                tuple(figsize) if figsize is not None else None, notes, list(lines or []), caption)


JUMP_LOCAL = 10.0  # a step is a jump when it is this many times both neighbouring steps ...
JUMP_MIN = 0.02  # ... and at least this share of the y-range


def jump_starts(y: np.ndarray, ylim, log: bool = False) -> list[int]:
    """Where a line must break instead of joining two points: a pole or a jump.

    - a pole: one point beyond the top of the view and the next beyond the bottom (tan, 1/x), or a
      step taller than the whole view to a point outside it;
    - a jump: a step far larger than the steps on both sides of it (floor, sign, a step function).
    A smooth curve, even a steep one like exp, changes its step gradually and is never broken.
    """
    if len(y) < 3:
        return []
    lo, hi = ylim
    values = np.log10(np.clip(y, 1e-300, None)) if log else y
    if log:
        lo, hi = math.log10(lo), math.log10(hi)
    step = np.abs(np.diff(values))
    outside = (values > hi) | (values < lo)
    pole = ((values[:-1] > hi) & (values[1:] < lo)) | ((values[:-1] < lo) & (values[1:] > hi))
    above, below = values > hi, values < lo
    same_side = (above[:-1] & above[1:]) | (below[:-1] & below[1:])  # drawn outside the view anyway
    pole |= (step > hi - lo) & (outside[:-1] | outside[1:]) & ~same_side  # across the view in one step
    before = np.concatenate([[np.inf], step[:-1]])
    after = np.concatenate([step[1:], [np.inf]])
    neighbours = np.maximum(np.where(np.isinf(before), after, before), np.where(np.isinf(after), before, after))
    jump = (step > JUMP_LOCAL * neighbours) & (step > JUMP_MIN * (hi - lo))
    return [int(i) + 1 for i in np.flatnonzero(pole | jump)]


def _limits(pair, name: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in pair)
    except (TypeError, ValueError):
        raise PlotError(f"{name} must be a pair of numbers like (0, 3), not {pair!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise PlotError(f"{name} must be two finite numbers with the first smaller, not {pair!r}")
    return lo, hi


def _log_safe(lim, scale, values, axis, notes) -> tuple[float, float]:
    """A log axis cannot start at 0 or below: start it at the smallest value drawn instead."""
    if scale != "log" or lim[0] > 0:
        return lim
    positive = np.concatenate(values)
    positive = positive[positive > 0]
    low = float(positive.min()) if positive.size else 1.0
    high = lim[1] if lim[1] > low else low * 10
    notes.append(f"note: a log axis cannot reach {number_text(lim[0], 4)}; the {axis}-axis starts at "
                 f"{number_text(low, 4)} instead.")
    return low, high


def _auto_ylim(curves: list[Curve], xlim, notes: list[str], robust: bool, log: bool = False):
    chosen = [c for c in curves if c.in_range and len(c.y)] or [c for c in curves if len(c.y)]
    ys = np.concatenate([c.y[(c.x >= xlim[0]) & (c.x <= xlim[1])] for c in chosen])
    if ys.size == 0:
        ys = np.concatenate([c.y for c in chosen])
    lo, hi = float(ys.min()), float(ys.max())
    if log:  # all positive here: pad by a share of the decades
        low, high = math.log10(lo), math.log10(hi)
        pad = (high - low) * 0.04 or 0.1
        return 10 ** (low - pad), 10 ** (high + pad)
    if robust and ys.size >= 20:
        q_lo, q_hi = (float(v) for v in np.quantile(ys, [CLIP_QUANTILE, 1 - CLIP_QUANTILE]))
        spread = (q_hi - q_lo) or max(abs(q_hi), 1.0)
        new_lo = q_lo - 0.25 * spread if lo < q_lo - CLIP_FACTOR * spread else lo
        new_hi = q_hi + 0.25 * spread if hi > q_hi + CLIP_FACTOR * spread else hi
        if (new_lo, new_hi) != (lo, hi):
            lo_txt, hi_txt = _round_out(new_lo, new_hi)
            extremes, places = [], []
            for cut, extreme in ((new_lo != lo, lo), (new_hi != hi, hi)):
                if cut:
                    at = next(c.x[np.argmin(np.abs(c.y - extreme))] for c in chosen
                              if extreme in (c.y.min(), c.y.max()))
                    extremes.append(number_text(extreme, 3))
                    places.append(number_text(at, 3))
            near = " and ".join(dict.fromkeys(places))
            notes.append(f"note: y-axis cut to [{number_text(lo_txt, 4)}, {number_text(hi_txt, 4)}]; "
                         f"values reach {' and '.join(extremes)} near x = {near}.")
            lo, hi = lo_txt, hi_txt
            return lo, hi
    if lo == hi:
        pad = abs(lo) * 0.1 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.04
    return lo - pad, hi + pad


def _round_out(lo: float, hi: float) -> tuple[float, float]:
    """Widen [lo, hi] to round numbers (2 significant digits of the span)."""
    step = 10.0 ** math.floor(math.log10(hi - lo)) / 10 if hi > lo else 1.0
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


# -- drawing (plotext) -----------------------------------------------------------------------------


def curve_style(plot: Plot, index: int, color: bool) -> tuple[str, str]:
    """(plotext colour, marker) for curve `index`: each curve has its own character, and with colour
    its own colour too, so curves stay apart in colour, without it, and for colour-blind readers."""
    curve = plot.curves[index]
    marker = curve.marker or PLAIN_MARKERS[index % len(PLAIN_MARKERS)]
    if color:
        return curve.color or CYCLE[index % len(CYCLE)], marker
    return "default", marker


def rich_color(name: str) -> str | None:
    """The rich colour for a plotext colour name ('blue+' → 'color(12)')."""
    code = COLOR_CODES.get(name)
    return f"color({code})" if code is not None else None


def thin(xs: np.ndarray, ys: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """At most about 4 × `buckets` points that draw the same line: in each run of consecutive
    points keep the first, the lowest, the highest and the last (so no peak is lost)."""
    n = len(xs)
    if n <= 4 * buckets:
        return xs, ys
    edges = np.linspace(0, n, buckets + 1).astype(int)
    keep = [edges[:-1], edges[1:] - 1]
    for a, b in zip(edges[:-1], edges[1:]):
        keep.append([a + int(np.argmin(ys[a:b])), a + int(np.argmax(ys[a:b]))])
    index = np.unique(np.concatenate([np.asarray(k).ravel() for k in keep]))
    return xs[index], ys[index]


DASHES = {"--": (8.0, 6.0), ":": (2.0, 4.0), "-.": (8.0, 4.0, 2.0, 4.0)}  # on, off, ... in braille dots
MAX_DASHES = 400


def dash_pieces(pieces, pattern, plot: Plot, width: int, height: int) -> list:
    """Cut each piece of a curve into dashes (lengths in braille dots on the canvas) for '--', ':', '-.'."""
    dots_x, dots_y = max(width - 8, 10) * 2, max(height - 5, 4) * 4
    period = sum(pattern)
    result = []
    for xs, ys in pieces:
        if len(xs) < 2:
            result.append((xs, ys))
            continue
        u, v = xs, ys
        if plot.xscale == "log":
            u = np.log10(xs)
        if plot.yscale == "log":
            v = np.log10(ys)
        (x0, x1), (y0, y1) = plot.xlim, plot.ylim
        if plot.xscale == "log":
            x0, x1 = math.log10(max(x0, 1e-300)), math.log10(max(x1, 1e-300))
        if plot.yscale == "log":
            y0, y1 = math.log10(max(y0, 1e-300)), math.log10(max(y1, 1e-300))
        u = (u - x0) / ((x1 - x0) or 1.0) * dots_x
        v = np.clip((v - y0) / ((y1 - y0) or 1.0), -1.0, 2.0) * dots_y
        t = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(u), np.diff(v)))])
        total = float(t[-1])
        if not math.isfinite(total) or total / period > MAX_DASHES or total < period:
            result.append((xs, ys))  # too many dashes to draw, or too short for one: solid
            continue
        start, k = 0.0, 0
        while start < total:
            length = pattern[k % len(pattern)]
            if k % 2 == 0:
                end = min(start + length, total)
                inner = (t > start) & (t < end)
                ts = np.concatenate([[start], t[inner], [end]])
                result.append((np.interp(ts, t, xs), np.interp(ts, t, ys)))
            start += length
            k += 1
    return result


def build_text(plot: Plot, width: int, height: int, *, color: bool = True) -> str:
    """Draw the plot area with plotext at `width` × `height` characters (ANSI colours if `color`)."""
    import plotext as plt

    width, height = max(int(width), 20), max(int(height), 6)
    with _LOCK:
        plt.clear_figure()
        try:
            plt.theme("clear")
            plt.limitsize(False, False)  # our size, not the size of the terminal plotext sees
            plt.plotsize(width, height)
            for i in sorted(range(len(plot.curves)), key=lambda k: plot.curves[k].z):
                curve = plot.curves[i]
                shade, marker = curve_style(plot, i, color)
                if curve.line:
                    line_marker = marker
                    pieces = [thin(xs, ys, 4 * width) for xs, ys in curve.pieces()]
                    if color and curve.line in DASHES:
                        pieces = dash_pieces(pieces, DASHES[curve.line], plot, width, height)
                    for xs, ys in pieces:
                        plt.plot(xs.tolist(), ys.tolist(), marker=line_marker, color=shade)
                if curve.marker and (curve.line or color):
                    plt.scatter(curve.x.tolist(), curve.y.tolist(), marker=curve.marker, color=shade)
                elif not curve.line:
                    plt.scatter(curve.x.tolist(), curve.y.tolist(), marker=marker, color=shade)
            if plot.title:
                plt.title(plot.title)
            if plot.xlabel:
                plt.xlabel(plot.xlabel)
            if plot.ylabel:
                plt.ylabel(plot.ylabel)
            plt.xscale(plot.xscale)
            plt.yscale(plot.yscale)
            for scale, lim, set_lim, set_ticks, target in (
                (plot.xscale, plot.xlim, plt.xlim, plt.xticks, max(2, width // 12)),
                (plot.yscale, plot.ylim, plt.ylim, plt.yticks, max(2, (height - 4) // 3)),
            ):
                if scale == "log":  # plotext takes log-axis limits as powers of ten
                    set_lim(math.log10(lim[0]), math.log10(lim[1]))
                    ticks = log_ticks(*lim)
                else:
                    set_lim(*lim)
                    ticks = nice_ticks(*lim, target)
                if len(ticks[0]) >= 2:
                    set_ticks(*ticks)
            text = plt.build()
        finally:
            plt.clear_figure()
    if color:
        return text
    return "\n".join(line.rstrip() for line in plt.uncolorize(text).splitlines())
