"""The resume-point merge: Kodi's resume point and trakt's playback progress against the baseline (pure).

Kodi keeps a point as a position and a total in seconds, trakt as a percentage with ``paused_at``. Per item
(docs/design.md, "Resume points"):

* a side changed when its point differs from the baseline's (appeared, moved, or was removed); with no baseline
  entry (the first sync of the item's points) a side that has a point counts as changed;
* one side changed -> the other takes its state: a point is set there, a removal removes it there;
* both changed -> the newer wins: trakt's ``paused_at`` against Kodi's ``lastplayed`` (Kodi saves its point when
  playback stops, and stamps ``lastplayed`` then); two points within a few seconds of each other are the same
  point (the scrobbler's pause and Kodi's own point of one stop);
* finished since: trakt's point is not taken when the item was played after it (Kodi's ``lastplayed`` more than
  two minutes later: Kodi stamps it at the very stop the scrobbler saved on trakt): the later viewing's state
  wins, so trakt's stale point is removed instead. Kodi's point is not sent when trakt has a play later than it:
  Kodi's stale point is removed instead; a trakt point older than trakt's own newest play counts as none.

trakt has no way to set a point but ``/scrobble/pause`` (``paused_at`` becomes now) and removes one with
``DELETE /sync/playback/{id}``. A point trakt refuses (below 1 %) or at 80 % or more (a stop there is a play) is
not sent.
"""
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from traktsync import streams
from traktsync.model import Ids, later, parse_utc
from traktsync.stream_items import StreamPlan

SAME_SECONDS = 5.0          # two points this close are one
KODI_MOVED_SECONDS = 2.0    # Kodi's point moved since the baseline (Kodi rounds what it is given)
TRAKT_MOVED_PERCENT = 0.1   # trakt's point moved since the baseline
MIN_PERCENT, MAX_PERCENT = 1.0, 80.0   # trakt's rules for a saved point (traktsync.scrobble)
# Kodi stamps lastplayed when playback stops, moments after the scrobbler saved that stop's point on trakt (and
# keeps no point of its own for a stop in the first minutes): a stamp this close to trakt's point is that stop, not
# a later viewing.
SAME_STOP = timedelta(minutes=2)


@dataclass
class ResumeChange:
    """Set (``percent`` > 0) or remove (0) the resume point on one side for one item. For Kodi ``positions`` has
    the position to write per row (``(kodi_id, position, total)``); for trakt ``playback_id`` names the point to
    remove. Afterwards Kodi holds ``kodi_position`` and trakt ``trakt_progress``."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    percent: float
    positions: tuple
    playback_id: Optional[int]
    kodi_position: float
    trakt_progress: float
    reason: str
    replaces: Optional[str] = None

    def record_into(self, baseline):
        baseline.record_resume(self.key, self.kodi_position, self.trakt_progress, self.replaces)




def _total(row):
    """The length Kodi knows for a row: its resume total, else its runtime (0: unknown)."""
    total = (row.resume or (0, 0))[1] or row.runtime or 0
    return float(total) if total > 0 else 0.0


def _kodi_point(rows):
    """``(position, total)`` of the item's Kodi point (of the copy played last that has one), or ``(0, 0)``."""
    with_point = [row for row in rows if row.resume and row.resume[0] > 0 and _total(row)]
    if not with_point:
        return 0.0, 0.0
    newest = max(with_point, key=lambda row: row.lastplayed.timestamp() if row.lastplayed else 0.0)
    return float(newest.resume[0]), _total(newest)


def _trakt_progress(entry):
    progress = (entry or {}).get('progress')
    if isinstance(progress, bool) or not isinstance(progress, (int, float)) or not 0 < progress < 100:
        return 0.0
    return float(progress)


def decide(kodi_percent, kodi_at, trakt_percent, trakt_at, base_changed, same, kodi_played_after,
           trakt_played_after, same_stop=False):
    """``'kodi'`` (Kodi's state goes to trakt), ``'trakt'`` (trakt's goes to Kodi) or None (nothing to write).

    ``base_changed``: ``(kodi_changed, trakt_changed)`` since the baseline; ``same``: the two points are one;
    ``kodi_played_after``: Kodi played the item after trakt's point was saved; ``trakt_played_after``: trakt has
    a play later than Kodi's point; ``same_stop``: both points come from one stop in this Kodi (Kodi's point is
    exact, the scrobbler's reading up to a second old)."""
    kodi_changed, trakt_changed = base_changed
    if same or not (kodi_changed or trakt_changed):
        return None
    if kodi_changed and trakt_changed and same_stop and kodi_percent:
        winner = 'kodi'
    elif kodi_changed and trakt_changed:
        winner = 'trakt' if trakt_at is not None and (kodi_at is None or trakt_at > kodi_at) else 'kodi'
    else:
        winner = 'kodi' if kodi_changed else 'trakt'
    # Finished since: the later viewing's state wins over a point saved before it.
    if winner == 'trakt' and trakt_percent and kodi_played_after:
        winner = 'kodi'
    elif winner == 'kodi' and kodi_percent and trakt_played_after:
        winner = 'trakt'
    if winner == 'trakt' and not trakt_percent and not kodi_percent:
        return None
    if winner == 'kodi' and not kodi_percent and not trakt_percent:
        return None
    return winner


def make_plan(items, baseline, trakt_last_played=None):
    """The resume-points StreamPlan for ``items`` (stream_items.pair over trakt's playback list) against ``baseline``.

    ``trakt_last_played(item)``: the item's newest play on trakt (an aware datetime) or None."""
    trakt_last_played = trakt_last_played or (lambda item: None)
    plan = StreamPlan(streams.RESUME_STREAMS)
    for item in items:
        _plan_item(plan, item, baseline, trakt_last_played)
    return plan


def _plan_item(plan, item, baseline, trakt_last_played):
    position, total = _kodi_point(item.rows)
    kodi_percent = position * 100.0 / total if total else 0.0
    kodi_at = None
    for row in item.rows:
        kodi_at = later(kodi_at, row.lastplayed)
    trakt_percent = _trakt_progress(item.trakt)
    trakt_at = parse_utc(item.trakt.get('paused_at')) if trakt_percent else None
    trakt_played = trakt_last_played(item)
    if trakt_percent and trakt_played is not None and trakt_at is not None and trakt_played >= trakt_at:
        trakt_percent, trakt_at = 0.0, None    # played on trakt after it was saved: trakt's point is stale
    base_key, base = item.baseline_entry(baseline.find_resume) if baseline is not None else (None, None)
    if base is None:
        changed = (bool(kodi_percent), bool(trakt_percent))
    else:
        changed = (abs(position - base[0]) > KODI_MOVED_SECONDS,
                   abs(trakt_percent - base[1]) > TRAKT_MOVED_PERCENT)
    lengths = [_total(row) for row in item.rows if _total(row)]
    length = total or (lengths[0] if lengths else 0.0)
    tolerance = SAME_SECONDS * 100.0 / length if length else 0.5
    same = abs(kodi_percent - trakt_percent) <= tolerance if (kodi_percent and trakt_percent) else (
        not kodi_percent and not trakt_percent)
    winner = decide(kodi_percent, kodi_at, trakt_percent, trakt_at, changed, same,
                    kodi_played_after=bool(trakt_at and kodi_at and kodi_at > trakt_at + SAME_STOP),
                    trakt_played_after=bool(kodi_percent and trakt_played and kodi_at
                                            and trakt_played >= kodi_at),
                    same_stop=bool(kodi_at and trakt_at and abs(kodi_at - trakt_at) <= SAME_STOP))

    def change(percent, positions, playback_id, kodi_after, trakt_after, reason):
        return ResumeChange(item.kind, item.key, item.title, item.ids, item.show_ids, item.season, item.number,
                            percent, positions, playback_id, kodi_after, trakt_after, reason, base_key)
    playback_id = (item.trakt or {}).get('id')
    if winner == 'trakt':
        rows = [(row.kodi_id, round(trakt_percent * _total(row) / 100.0), _total(row)) for row in item.rows
                if _total(row) or not trakt_percent]
        if trakt_percent and not rows:
            return    # Kodi knows no length for it yet: nothing to convert the percentage with
        after = rows[0][1] if trakt_percent else 0.0
        plan.to_kodi.append(change(trakt_percent, tuple(rows), None, after, trakt_percent,
                                   '{}: resume at {:.0f} % from trakt'.format(item.title, trakt_percent)
                                   if trakt_percent else '{}: resume point removed on trakt'.format(item.title)))
    elif winner == 'kodi' and kodi_percent:
        if not MIN_PERCENT <= kodi_percent < MAX_PERCENT:
            return    # trakt would refuse it, or take it as a play
        plan.to_trakt.append(change(kodi_percent, (), None, position, round(kodi_percent, 2),
                                    '{}: resume at {:.0f} % from Kodi'.format(item.title, kodi_percent)))
    elif winner == 'kodi' and isinstance(playback_id, int):
        plan.to_trakt_remove.append(change(0.0, (), playback_id, 0.0, 0.0,
                                           '{}: resume point removed in Kodi'.format(item.title)))
    elif base is None or base_key != item.key or list(base) != [round(position, 1), round(trakt_percent, 2)]:
        if position or trakt_percent or base:
            plan.settled.append(change(0.0, (), None, position, trakt_percent, 'no change'))
