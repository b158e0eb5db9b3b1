"""The ratings merge: Kodi's user rating (1-10) and trakt's rating against the baseline -> writes per side (pure).

Per item, K = Kodi's rating, T = trakt's (0: none), (bk, bt) = the baseline's (docs/design.md, "Ratings"):

* no baseline entry (the first sync of the item's ratings): trakt's where Kodi has none, Kodi's where trakt has
  none; both rated and different -> trakt's wins (trakt is where ratings are kept and shown);
* otherwise the changes are compared: a side whose rating differs from the baseline's changed since the last sync.
  One side changed -> the other takes its rating, a removal included (the user removed it there); both changed to
  different ratings -> the later one wins: trakt's ``rated_at`` against the time the sync saw Kodi's change (Kodi
  keeps no date for a rating); a removal on one side against a new rating on the other keeps the rating;
* a rating is never removed on either side unless the user removed one since the last sync.

Copies of a film in Kodi are one item: its rating is the highest of its copies', and a rating for Kodi is written
to every copy.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from traktsync import streams
from traktsync.model import Ids, parse_utc
from traktsync.stream_items import StreamPlan


@dataclass
class RatingChange:
    """Set ``rating`` (0: remove) on one side for one item; afterwards Kodi holds ``kodi_rating`` and trakt
    ``trakt_rating``."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    kodi_ids: tuple
    rating: int
    kodi_rating: int
    trakt_rating: int
    reason: str
    replaces: Optional[str] = None

    def record_into(self, baseline):
        baseline.record_rating(self.key, self.kodi_rating, self.trakt_rating, self.replaces)




def decide(kodi, trakt, base, trakt_rated_at=None, kodi_seen_at=None):
    """``(kodi_after, trakt_after)``: the ratings each side holds after the sync (0: none).

    ``base``: ``(bk, bt)`` or None (first sync); ``trakt_rated_at`` and ``kodi_seen_at`` (aware datetimes) decide
    when both sides changed."""
    if base is None:
        winner = trakt or kodi
        return winner, winner
    base_kodi, base_trakt = base
    kodi_changed, trakt_changed = kodi != base_kodi, trakt != base_trakt
    if kodi == trakt or not (kodi_changed or trakt_changed):
        return kodi, trakt
    if kodi_changed and not trakt_changed:
        return kodi, kodi
    if trakt_changed and not kodi_changed:
        return trakt, trakt
    if not kodi or not trakt:    # removed on one side, rated anew on the other: the rating stays
        winner = kodi or trakt
        return winner, winner
    trakt_later = trakt_rated_at is not None and (kodi_seen_at is None or trakt_rated_at > kodi_seen_at)
    winner = trakt if trakt_later else kodi
    return winner, winner


def _rating(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10 else 0


def make_plan(items, baseline, now=None):
    """The ratings StreamPlan for ``items`` (stream_items.pair over trakt's ratings lists) against ``baseline``."""
    now = now or datetime.now(timezone.utc)
    plan = StreamPlan(streams.RATINGS_STREAMS)
    for item in items:
        _plan_item(plan, item, baseline, now)
    return plan


def _plan_item(plan, item, baseline, now):
    kodi = max(_rating(row.userrating) for row in item.rows)
    trakt = _rating((item.trakt or {}).get('rating'))
    base_key, base = item.baseline_entry(baseline.find_rating) if baseline is not None else (None, None)
    rated_at = parse_utc((item.trakt or {}).get('rated_at')) if item.trakt else None
    kodi_after, trakt_after = decide(kodi, trakt, base, rated_at, now)

    def change(rating, reason):
        return RatingChange(item.kind, item.key, item.title, item.ids, item.show_ids, item.season, item.number,
                            item.kodi_ids, rating, kodi_after, trakt_after, reason, base_key)
    if kodi_after != kodi or any(_rating(row.userrating) != kodi_after for row in item.rows if kodi_after):
        plan.to_kodi.append(change(kodi_after, '{}: rating {} from trakt'.format(item.title, kodi_after)
                                   if kodi_after else '{}: rating removed on trakt'.format(item.title)))
    if trakt_after != trakt:
        if trakt_after:
            plan.to_trakt.append(change(trakt_after, '{}: rating {} from Kodi'.format(item.title, trakt_after)))
        else:
            plan.to_trakt_remove.append(change(0, '{}: rating removed in Kodi'.format(item.title)))
    if kodi_after == kodi and trakt_after == trakt and (base is None or list(base) != [kodi, trakt]
                                                        or base_key != item.key) and (kodi or trakt or base):
        plan.settled.append(change(0, 'no change'))
