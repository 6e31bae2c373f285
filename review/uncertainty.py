"""How sure the ranking is: each application's score with a 90 % interval, its rank interval and
its chance of being among the winners, by resampling the reviews (a bootstrap).

Each replicate draws, for every application, as many of its submitted reviews as it has, with
replacement; then recomputes everything from those draws alone — each juror's mean and spread and
the pooled ones, so the juror effects (leniency, harshness, spread) are re-estimated too — and
ranks by the round's method (`review.reference`'s maths, vectorised). Winners of a replicate are
chosen as the jury chooses them: down the order, an application is a winner while its nomination
and the contest still have room (`Nomination.max_winners`, `Contest.max_winners`). Equal scores in
a replicate are ordered at random, so a tie never favours the lower id.

Inputs are `reference.RoundData` (plain data), so the same function serves the ranking page, the
published score file (`verify_results` reproduces the probabilities from the file: same inputs,
same seed, same numbers) and the calibration benchmark. Applications with exactly the same reviews
are exchangeable: their figures are averaged, so identical entries get identical probabilities.
"""

import logging
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any

import numpy as np
from django.core.cache import cache
from django.utils.translation import gettext as _

from review import reference
from review.models import Round
from review.ranking import NOISE, TIE_DECIMALS, Ranking, display_scale, fingerprint
from review.selectors import criteria_of_round, round_applications
from review.tasks import estimate_round

logger = logging.getLogger(__name__)

REPLICATES = 1000
LEVEL = 0.90  # the intervals' coverage
LIKELY = 0.9  # p ≥ this: "likely winner"
UNLIKELY = 0.1  # p ≤ this: "unlikely"
CHUNK = 50  # replicates drawn at once: bounds memory (50 × 50,000 reviews) and paces progress
GENERATOR = "numpy.random.default_rng(seed) — PCG64; uniform draws by Generator.random"


@dataclass(frozen=True)
class Limits:
    contest: int  # Contest.max_winners
    nominations: dict[int, int]  # nomination id → Nomination.max_winners


@dataclass(frozen=True)
class Estimate:
    application_id: int
    nomination_id: int
    score: float | None  # the round's method's score, as ranked
    low: float | None  # the 90 % interval of the score
    high: float | None
    rank_low: int  # the 90 % interval of the position in the round (1 = first)
    rank_high: int
    probability: float  # of being among the winners
    cutoff: bool  # last winner or first non-winner of its nomination, and p not decided

    @property
    def verdict(self) -> str:
        return verdict(self.probability)


ESTIMATE_FIELDS = tuple(f.name for f in fields(Estimate))
# Estimate's fields as numpy types; NaN stands for None in the float columns.
COLUMN_TYPES = {
    "application_id": np.int64,
    "nomination_id": np.int64,
    "score": np.float64,
    "low": np.float64,
    "high": np.float64,
    "rank_low": np.int64,
    "rank_high": np.int64,
    "probability": np.float64,
    "cutoff": np.bool_,
}


class Uncertainty:
    """A round's figures: one Estimate per application, in the order of the ranking, and the
    nominations whose winner set is not robust.

    The estimates are kept as columns (one numpy array per field): the cache holds the figures
    for a day and every page of the ranking reads them, and unpickling 50,000 Estimate objects
    took 54 ms of a 120 ms page, where the columns take a millisecond; a page then builds its own
    50 estimates (`for_rows`). `rows` builds them all, for readers of the whole round."""

    def __init__(
        self,
        method: str,
        seed: int,
        replicates: int,
        limits: Limits,
        rows: list[Estimate],
        fragile_nominations: list[int],
    ) -> None:
        self.method, self.seed, self.replicates, self.limits = method, seed, replicates, limits
        self.fragile_nominations = fragile_nominations
        self.columns = {
            name: np.array(
                [np.nan if getattr(row, name) is None else getattr(row, name) for row in rows], dtype=kind
            )
            for name, kind in COLUMN_TYPES.items()
        }

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "rows"}  # not the built estimates

    def __len__(self) -> int:
        return len(self.columns["application_id"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Uncertainty):
            return NotImplemented
        same = (self.method, self.seed, self.replicates, self.limits, self.fragile_nominations) == (
            other.method,
            other.seed,
            other.replicates,
            other.limits,
            other.fragile_nominations,
        )
        return same and all(
            np.array_equal(self.columns[name], other.columns[name], equal_nan=kind is np.float64)
            for name, kind in COLUMN_TYPES.items()
        )

    __hash__ = None  # type: ignore[assignment]  # mutable columns

    def _estimate(self, i: int) -> Estimate:
        values = []
        for name in ESTIMATE_FIELDS:
            value = self.columns[name][i].item()
            values.append(None if isinstance(value, float) and value != value else value)  # NaN: None
        return Estimate(*values)

    @cached_property
    def rows(self) -> list[Estimate]:
        return [self._estimate(i) for i in range(len(self))]

    def by_application(self) -> dict[int, Estimate]:
        return {row.application_id: row for row in self.rows}

    def for_rows(self, ranked: Iterable[Any]) -> dict[int, Estimate]:
        """The estimates of some rows of the ranking (`RankedRow`s: a page), built for those only.
        Each is found at its row's position (the figures follow the same ranking); a row found
        elsewhere (the ranking moved on since) is looked up by application."""
        ids = self.columns["application_id"]
        found: dict[int, Estimate] = {}
        elsewhere = []
        for row in ranked:
            i = row.position - 1
            if 0 <= i < len(ids) and ids[i] == row.application_id:
                found[row.application_id] = self._estimate(i)
            else:
                elsewhere.append(row.application_id)
        for i in np.flatnonzero(np.isin(ids, elsewhere)) if elsewhere else ():
            found[int(ids[i])] = self._estimate(int(i))
        return found


def verdict(probability: float) -> str:
    """The chance of winning in plain words."""
    if probability >= LIKELY:
        return _("likely winner")
    if probability <= UNLIKELY:
        return _("unlikely")
    return _("could go either way")


def _totals(data: reference.RoundData) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The counted reviews in a canonical order (application id, juror id) — the order the
    published file keeps after renumbering — as arrays: application index, juror index, total;
    and each application's number of counted reviews."""
    criteria = {c.id: c for c in data.criteria}
    scale = display_scale(data.criteria)
    index = {a.id: i for i, a in enumerate(sorted(data.applications, key=lambda a: a.id))}
    counted = []
    for review in data.reviews:
        total = reference.review_total(review.scores, criteria, scale)
        if total is not None and review.application_id in index:
            counted.append((index[review.application_id], review.juror_id, review.id, total))
    counted.sort()
    jurors = {j: n for n, j in enumerate(sorted({c[1] for c in counted}))}
    apps = np.array([c[0] for c in counted], dtype=np.int64)
    juror = np.array([jurors[c[1]] for c in counted], dtype=np.int64)
    total = np.array([c[3] for c in counted], dtype=np.float64)
    counts = np.bincount(apps, minlength=len(index))
    return apps, juror, total, counts


def _scores(
    method: str,
    values: np.ndarray,
    juror: np.ndarray,
    apps: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    trim_share: float,
    width: float,
) -> np.ndarray:
    """Each replicate's score per application (rows: replicates; NaN: no score), the reference's
    maths on arrays. `values`/`juror` are (replicates × reviews), grouped by application."""
    reps, size = values.shape
    n_apps = len(counts)
    if not size:  # no counted review yet: no scores
        return np.full((reps, n_apps), np.nan)
    rows = np.repeat(np.arange(reps), size)
    cell = (rows * n_apps + np.tile(apps, reps)).reshape(reps, size)
    has = counts > 0
    if method == "calibrated":
        n_jurors = int(juror.max()) + 1 if juror.size else 0
        key = (np.arange(reps)[:, None] * n_jurors + juror).ravel()
        flat = values.ravel()
        n = np.bincount(key, minlength=reps * n_jurors)
        s = np.bincount(key, flat, minlength=reps * n_jurors)
        ss = np.bincount(key, flat * flat, minlength=reps * n_jurors)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s / n
            sd = np.sqrt(np.maximum(ss / n - mean * mean, 0.0))
            ok = (n >= 2) & (sd > NOISE * width)
            pooled_mean = values.mean(axis=1, keepdims=True)
            pooled_sd = values.std(axis=1, keepdims=True)
            calibrated = pooled_mean + pooled_sd * (values - mean[key].reshape(reps, size)) / sd[key].reshape(
                reps, size
            )
        valid = ok[key].reshape(reps, size)
        weight = np.bincount(cell.ravel(), valid.ravel().astype(np.float64), minlength=reps * n_apps)
        summed = np.bincount(cell.ravel(), np.where(valid, calibrated, 0.0).ravel(), minlength=reps * n_apps)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (summed / weight).reshape(reps, n_apps)
    if method == "mean":
        summed = np.bincount(cell.ravel(), values.ravel(), minlength=reps * n_apps).reshape(reps, n_apps)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(has, summed / counts, np.nan)
    # Median and trimmed mean: sort each application's draws (they sit side by side in a row).
    ordered = np.take_along_axis(
        values, np.lexsort((values, np.broadcast_to(apps, values.shape)), axis=1), axis=1
    )
    out = np.full((reps, n_apps), np.nan)
    present = np.flatnonzero(has)
    first, n = starts[present], counts[present]
    if method == "median":
        out[:, present] = (ordered[:, first + (n - 1) // 2] + ordered[:, first + n // 2]) / 2
        return out
    cut = np.floor(n * trim_share + 1e-12).astype(np.int64)
    running = np.concatenate([np.zeros((reps, 1)), np.cumsum(ordered, axis=1)], axis=1)
    out[:, present] = (running[:, first + n - cut] - running[:, first + cut]) / (n - 2 * cut)
    return out


def _winners(
    order: np.ndarray, nomination: np.ndarray, limits: np.ndarray, contest: int, scored: np.ndarray
) -> np.ndarray:
    """Down `order`, who wins: room left in the nomination and in the contest; an application
    without a score in the draw never wins (as it ranks last without a place)."""
    nominated = nomination[order]
    place = np.empty(len(order), dtype=np.int64)  # place within the nomination, from 0
    for k in np.unique(nominated):
        mask = nominated == k
        place[mask] = np.arange(int(mask.sum()))
    chosen = (place < limits[nominated]) & scored[order]
    chosen &= np.cumsum(chosen) <= contest
    won = np.zeros(len(order), dtype=bool)
    won[order[chosen]] = True
    return won


def estimate(
    data: reference.RoundData,
    limits: Limits,
    *,
    seed: int,
    replicates: int = REPLICATES,
    method: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    base: Ranking | None = None,
) -> Uncertainty:
    """The bootstrap over `data`'s reviews; `progress(done, total)` after each chunk. `base`:
    the reference's ranking of `data` by `method` when the caller has it already."""
    method = method or data.method
    applications = sorted(data.applications, key=lambda a: a.id)
    n_apps = len(applications)
    base = base or reference.rank(data, method=method)
    scale = display_scale(data.criteria)
    width = scale[1] - scale[0]
    apps, juror, total, counts = _totals(data)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if n_apps else counts
    nomination_ids = sorted({a.nomination_id for a in applications})
    nomination = np.array([nomination_ids.index(a.nomination_id) for a in applications], dtype=np.int64)
    caps = np.array([limits.nominations.get(k, 1) for k in nomination_ids], dtype=np.int64)
    rng = np.random.default_rng(seed)
    wins = np.zeros(n_apps)
    samples = np.empty((replicates, n_apps))
    ranks = np.empty((replicates, n_apps), dtype=np.int64)
    done = 0
    while done < replicates:
        reps = min(CHUNK, replicates - done)
        # One uniform draw per (replicate, review slot): the slot's application picks one of its
        # own reviews; an application's draws are the same in number as its reviews.
        pick = starts[apps] + np.floor(rng.random((reps, len(apps))) * counts[apps]).astype(np.int64)
        jitter = rng.random((reps, n_apps))
        scores = _scores(
            method, total[pick], juror[pick], apps, starts, counts, float(data.trim_share), width
        )
        samples[done : done + reps] = scores
        for r in range(reps):
            key = np.where(np.isnan(scores[r]), -np.inf, np.round(scores[r], TIE_DECIMALS))
            order = np.lexsort((jitter[r], -key))
            position = np.empty(n_apps, dtype=np.int64)
            position[order] = np.arange(1, n_apps + 1)
            ranks[done + r] = position
            wins += _winners(order, nomination, caps, limits.contest, ~np.isnan(scores[r]))
        done += reps
        if progress is not None:
            progress(done, replicates)
    probability = wins / max(replicates, 1)
    tail = (1 - LEVEL) / 2 * 100
    low, high = _interval(samples, tail)
    rank_low = np.percentile(ranks, tail, axis=0, method="lower") if replicates else np.ones(n_apps)
    rank_high = np.percentile(ranks, 100 - tail, axis=0, method="higher") if replicates else np.ones(n_apps)
    figures = _exchangeable_average(
        apps, juror, total, counts, nomination, [probability, low, high, rank_low, rank_high]
    )
    probability, low, high, rank_low, rank_high = figures
    index = {a.id: i for i, a in enumerate(applications)}
    rows = []
    for row in base.rows:
        i = index[row.application_id]
        rows.append(
            Estimate(
                application_id=row.application_id,
                nomination_id=row.nomination_id,
                score=row.score,
                low=None if np.isnan(low[i]) else float(low[i]),
                high=None if np.isnan(high[i]) else float(high[i]),
                rank_low=int(np.rint(rank_low[i])),
                rank_high=int(np.rint(rank_high[i])),
                probability=float(probability[i]),
                cutoff=False,
            )
        )
    rows, fragile = _cutoffs(rows, limits)
    return Uncertainty(method, seed, replicates, limits, rows, fragile)


def _interval(samples: np.ndarray, tail: float) -> tuple[np.ndarray, np.ndarray]:
    """Each column's central interval, NaN draws (no score in that draw) left out; the columns
    without any NaN go through the fast percentile in one call."""
    n_apps = samples.shape[1]
    low, high = np.full(n_apps, np.nan), np.full(n_apps, np.nan)
    if not samples.size:
        return low, high
    gaps = np.isnan(samples).any(axis=0)
    whole = np.flatnonzero(~gaps)
    if whole.size:
        low[whole], high[whole] = np.percentile(samples[:, whole], [tail, 100 - tail], axis=0)
    some = np.flatnonzero(gaps & ~np.isnan(samples).all(axis=0))
    if some.size:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            low[some], high[some] = np.nanpercentile(samples[:, some], [tail, 100 - tail], axis=0)
    return low, high


def _exchangeable_average(
    apps: np.ndarray,
    juror: np.ndarray,
    total: np.ndarray,
    counts: np.ndarray,
    nomination: np.ndarray,
    figures: list[np.ndarray],
) -> list[np.ndarray]:
    """Applications of one nomination with the same reviews (same jurors, same totals) have the
    same chances; averaging their estimates removes the resampling noise between them."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    reviews: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for a, j, t in zip(apps.tolist(), juror.tolist(), total.tolist(), strict=True):
        reviews[a].append((j, round(t, TIE_DECIMALS)))
    for i in range(len(counts)):
        groups[(int(nomination[i]), tuple(sorted(reviews[i])))].append(i)
    out = [f.astype(np.float64).copy() for f in figures]
    for members in groups.values():
        if len(members) > 1:
            for f in out:
                with np.errstate(invalid="ignore"):
                    f[members] = np.mean(f[members])
    return out


def _cutoffs(rows: list[Estimate], limits: Limits) -> tuple[list[Estimate], list[int]]:
    """Flag, per nomination, the last winner and the first non-winner of the ranking when either's
    chance lies between "unlikely" and "likely winner": there the winner set is not robust."""
    taken: dict[int, int] = defaultdict(int)
    chosen = 0
    winners: dict[int, list[int]] = defaultdict(list)  # nomination → row indexes of the winners
    first_out: dict[int, int] = {}
    for i, row in enumerate(rows):
        if row.score is None:
            continue
        k = row.nomination_id
        if taken[k] < limits.nominations.get(k, 1) and chosen < limits.contest:
            taken[k] += 1
            chosen += 1
            winners[k].append(i)
        elif k not in first_out:
            first_out[k] = i
    flagged: set[int] = set()
    fragile: list[int] = []
    for k in sorted({row.nomination_id for row in rows}):
        edge = [i for i in (winners[k][-1] if winners[k] else None, first_out.get(k)) if i is not None]
        if any(UNLIKELY < rows[i].probability < LIKELY for i in edge):
            flagged.update(edge)
            fragile.append(k)
    rows = [row if i not in flagged else _with_cutoff(row) for i, row in enumerate(rows)]
    return rows, fragile


def _with_cutoff(row: Estimate) -> Estimate:
    return replace(row, cutoff=True)


def as_document(result: Uncertainty, numbers: dict[int, Any] | None = None) -> dict[str, Any]:
    """The figures as plain JSON (ids through `numbers`, e.g. the published file's renumbering)."""
    numbers = numbers or {}
    return {
        "method": result.method,
        "seed": result.seed,
        "replicates": result.replicates,
        "level": LEVEL,
        "generator": GENERATOR,
        "rows": [
            {
                "application": numbers.get(row.application_id, row.application_id),
                "probability": row.probability,
                "low": row.low,
                "high": row.high,
                "rank_low": row.rank_low,
                "rank_high": row.rank_high,
                "cutoff": row.cutoff,
            }
            for row in result.rows
        ],
    }


# ---- The round's figures, on read or from the task -------------------------------------------

ON_READ_LIMIT = 500  # applications; above this a Celery task computes the figures
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Pending:
    """The figures are being computed by the task: `done` of `total` replicates."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def limits_of(contest) -> Limits:
    return Limits(contest.max_winners, dict(contest.nominations.values_list("pk", "max_winners")))


def seed_of(stamp: str) -> int:
    # The round's own fingerprint: the same reviews give the same figures, and a reader can tell.
    return int(stamp[:8], 16)


def _fingerprint(round_) -> str:
    return fingerprint(round_, criteria_of_round(round_))


def _keys(round_, method: str, stamp: str) -> tuple[str, str]:
    # v2: the figures are cached as columns (`Uncertainty`); figures cached before are not read.
    key = f"review:uncertainty:v2:{round_.pk}:{method}:{stamp}"
    return key, f"{key}:progress"


def compute(round_, method: str | None = None, progress: Callable[[int, int], None] | None = None):
    """The round's figures from the database, and the fingerprint they belong to."""
    method = method or round_.method
    stamp = _fingerprint(round_)
    result = estimate(
        reference.load(round_),
        limits_of(round_.contest),
        seed=seed_of(stamp),
        method=method,
        progress=progress,
    )
    return result, stamp


def for_round(round_, method: str | None = None) -> "Uncertainty | Pending":
    """The figures of the round as it stands: computed on read up to ON_READ_LIMIT applications,
    else by the task (started once per fingerprint), `Pending` with its progress meanwhile."""
    method = method or round_.method
    stamp = _fingerprint(round_)
    key, progress_key = _keys(round_, method, stamp)
    found = cache.get(key)
    if found is not None:
        return found
    if round_applications(round_).count() <= ON_READ_LIMIT:
        result, stamp_now = compute(round_, method)
        cache.set(_keys(round_, method, stamp_now)[0], result, CACHE_SECONDS)
        return result
    if cache.add(progress_key, (0, REPLICATES), CACHE_SECONDS):
        try:
            estimate_round.delay(round_.pk, method)
        except Exception:  # the broker is down: the page still answers, and the next read asks again
            logger.warning("Could not start the uncertainty of round %s", round_.pk, exc_info=True)
            cache.delete(progress_key)
            return Pending(0, REPLICATES)
        found = cache.get(key)  # eager mode (tests, embedded) has it already
        if found is not None:
            return found
    done, total = cache.get(progress_key) or (0, REPLICATES)
    return Pending(done, total)


def run_task(round_id: int, method: str) -> str:
    """The task's work: compute, report progress under the round's fingerprint, cache the result."""
    round_ = Round.objects.select_related("contest").get(pk=round_id)
    stamp = _fingerprint(round_)
    progress_key = _keys(round_, method, stamp)[1]

    def report(done: int, total: int) -> None:
        cache.set(progress_key, (done, total), CACHE_SECONDS)

    result, stamp_now = compute(round_, method, progress=report)
    cache.set(_keys(round_, method, stamp_now)[0], result, CACHE_SECONDS)
    return stamp_now


def page_estimates(figures: "Uncertainty | Pending", ranked: Iterable[Any]) -> dict[int, Estimate]:
    """The estimates of a page's rows (`RankedRow`s), none while the figures are pending."""
    return figures.for_rows(ranked) if isinstance(figures, Uncertainty) else {}


def summary(figures: "Uncertainty | Pending") -> dict[str, Any]:
    """The API's `uncertainty` block of the ranking."""
    if isinstance(figures, Pending):
        return {
            "state": "computing",
            "done": figures.done,
            "total": figures.total,
            "seed": None,
            "level": LEVEL,
            "fragile_nominations": [],
        }
    return {
        "state": "ready",
        "done": figures.replicates,
        "total": figures.replicates,
        "seed": figures.seed,
        "level": LEVEL,
        "fragile_nominations": figures.fragile_nominations,
    }


def row_fields(estimate: Estimate | None) -> dict[str, Any]:
    """The API's per-row uncertainty fields (null while the task computes them)."""
    if estimate is None:
        return dict.fromkeys(
            ("score_low", "score_high", "rank_low", "rank_high", "probability", "verdict"), None
        ) | {"cutoff": False}
    return {
        "score_low": estimate.low,
        "score_high": estimate.high,
        "rank_low": estimate.rank_low,
        "rank_high": estimate.rank_high,
        "probability": estimate.probability,
        "verdict": estimate.verdict,
        "cutoff": estimate.cutoff,
    }


def ready_or_compute(round_, method: str | None = None) -> Uncertainty:
    """The round's figures now, whatever its size (publishing the results): the cached ones when
    the task or a reader has them, else computed here."""
    method = method or round_.method
    stamp = _fingerprint(round_)
    found = cache.get(_keys(round_, method, stamp)[0])
    return found if found is not None else compute(round_, method)[0]
