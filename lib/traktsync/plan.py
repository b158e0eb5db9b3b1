"""The three-way merge: Kodi snapshot + trakt snapshot + baseline -> a Plan of writes per side.

Pure: no Kodi, no HTTP. ``make_plan`` is O(n) in the number of items.

Watched rules (docs/design.md, "The merge"), per item, K = Kodi plays, T = trakt plays, (bk, bt) = the baseline:

* no baseline entry for this library row and this account (first sync of the item) -- the union, no plays
  invented: K>0, T=0 -> trakt gets ONE play (at Kodi's lastplayed); K=0, T>0 -> Kodi playcount T; both watched ->
  trakt gets nothing (a trakt play may be the same viewing as a Kodi play and trakt never de-duplicates) and Kodi
  gets max(K, T).
* otherwise the changes are compared, not the totals: dk = K-bk, dt = T-bt. When either side gained plays, trakt
  gets max(0, dk-dt) plays and Kodi max(0, dt-dk) (one viewing seen on both sides -- a scrobbler, a check-in, a
  second Kodi box on the same library -- is one play).
* a copy, not a change: when only one side gained plays and trakt's newest play is at the minute of Kodi's
  ``lastplayed``, the gain is the other side's last viewing copied over by another writer (a second Kodi box on the
  same library sent Kodi's viewing to trakt, or wrote trakt's play or a copy's play count into Kodi; a scrobbler
  caught up late): nothing is written, the baseline takes both counts. A real viewing on one side is at a minute of
  its own. Without this a box whose baseline holds one side of a viewing and not the other (its first sync, a copy
  another box brought up) sends or takes that viewing again, and two boxes can pass it back and forth.
* nothing gained, K=0 (every copy unwatched in Kodi) -> ``POST /sync/history/remove`` only with
  ``send_unwatched``, else nothing and the baseline records the unwatch so it is not re-watched from trakt;
  fewer but not zero plays -> nothing (trakt cannot drop single plays without history ids).
* nothing gained, T=0 -> Kodi unwatched only with ``take_unwatched``; fewer plays on trakt -> nothing.
* ``reset_at`` (the user re-watches a show on trakt): an episode whose trakt plays all predate its show's
  ``reset_at`` never makes an unwatched Kodi episode watched (for the re-watch it is not seen yet), and it never
  lowers a Kodi playcount either (no Kodi play is destroyed because of a reset); re-watch plays are just more plays.
  The trakt plays still count as plays everywhere else (so the first sync sends nothing when Kodi has the episode
  watched too).

Kodi rows: an item may have several library rows (copies of a film). The baseline records each row (id and date
added) with its playcount. K is computed from the rows the baseline knows: a known row that gained plays is a new
viewing (K = bk + the largest gain; a new copy beside a known row gains from 0; a row whose lastplayed is not later
than the item's at the last sync was brought up by another Kodi box, not watched); every row reading 0 while a known
row had plays is an unwatch; fewer plays than the known row had, with a lastplayed later than the item's at the last
sync, is an un-watch and a new viewing (K = bk + 1); a row that disappeared (file deleted, moved, library cleaned)
changes nothing, and a row the baseline never saw is a new item unless a known row is still there. Copies are kept
in step: when an item needs no write, copies the user did not touch that lag behind the item's play count are
brought up to it.

Every item needs at most one side written. When that side's direction (or kind) is switched off the item is
listed in ``pending`` and its baseline entry is left as it was, so the change is still seen when the direction is
switched on. A decision that needs no write (e.g. an unwatch without ``send_unwatched``) is ``settled``: the
baseline takes the current plays.

Timestamps of new plays sent to trakt: the newest is Kodi's ``lastplayed`` at minute precision, each older one a
minute earlier (trakt keeps minutes only and never de-duplicates, so equal timestamps would look like duplicate
plays). Without a ``lastplayed`` the plays are sent with ``watched_at`` ``None`` (the client sends "unknown").

Collection: every Kodi item not in the trakt collection is added with ``collected_at`` = Kodi's ``dateadded``
(and metadata when enabled). With metadata enabled, an already collected item whose Kodi media info differs is
re-sent with trakt's own ``collected_at`` (a re-send updates trakt's item, date included).

Clean-up: the planner only lists candidates (trakt collection items not in the Kodi library), none when the Kodi
read is incomplete, and none whose title (and year, when both sides know it) matches an unmatched or excluded local
item. Whether to remove them is the engine's business (settings, confirmation, threshold, backup).

The engine applies the actions in batches and records each confirmed one with ``baseline.record(action)``; it calls
``baseline.record_settled(plan)`` right after planning, before applying actions (settled items need no write).
"""
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import List, Optional, Set, Tuple

from traktsync import streams
from traktsync.model import (
    EPISODE,
    MOVIE,
    ONE_MINUTE,
    SHOW,
    Baseline,
    Ids,
    ItemIndex,
    Unmatched,
    later,
    parse_utc,
    row_token,
    to_minute,
)


@dataclass
class PlanOptions:
    """What the planner may write. Directions are per kind; the clean-up's enabled/confirmed flags are the
    engine's (the planner only lists candidates)."""
    movies_to_trakt: bool = True
    movies_to_kodi: bool = True
    episodes_to_trakt: bool = True
    episodes_to_kodi: bool = True
    collection_add: bool = True
    metadata: bool = False
    send_unwatched: bool = False
    take_unwatched: bool = False
    clean_candidates: bool = True

    def to_trakt(self, kind):
        return self.movies_to_trakt if kind == MOVIE else self.episodes_to_trakt

    def to_kodi(self, kind):
        return self.movies_to_kodi if kind == MOVIE else self.episodes_to_kodi


# --- actions -------------------------------------------------------------------------------------------------
# Every action names its item the same way: ``kind`` (movie/episode), ``key`` (canonical, see model.py), a display
# ``title``, ``ids`` (a movie's ids; an episode's own ids, often empty), and for episodes ``show_ids``, ``season``,
# ``number``. ``reason`` is a sentence for the status screen and the log.

@dataclass
class HistoryAdd:
    """New plays for trakt: one ``POST /sync/history`` entry per element of ``watched_at``."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    watched_at: Tuple[Optional[datetime], ...]
    kodi_plays: int
    trakt_plays: int
    lastplayed: Optional[datetime]
    reason: str
    replaces: Optional[str] = None
    rows: Optional[dict] = None
    # first-sync rules: one play stands for Kodi's whole count, viewings the add-on never saw one by one
    first_meeting: bool = False
    trakt_newest: Optional[datetime] = None   # trakt's newest play of the item as read, before these

    def record_into(self, baseline):
        # a play sent without a time is dated by trakt: its newest play is then unknown until the next sync reads it
        newest = None if None in self.watched_at else later(self.trakt_newest, max(self.watched_at, default=None))
        baseline.record_history_added(self.key, self.kodi_plays, self.trakt_plays, self.lastplayed, self.replaces,
                                      self.rows, newest)

    def confirmed(self, plays):
        """The same action as if only ``plays`` of its plays had been sent (trakt confirmed fewer). The Kodi side
        is recorded as if the viewings trakt did not take had not been read yet, so the next sync sees them as a
        change in Kodi and sends them again."""
        missing = len(self.watched_at) - plays
        rows = None if self.rows is None else {token: max(0, count - missing) for token, count in self.rows.items()}
        return dataclasses.replace(self, watched_at=self.watched_at[:plays],
                                   trakt_plays=self.trakt_plays - missing,
                                   kodi_plays=max(0, self.kodi_plays - missing), rows=rows,
                                   lastplayed=None if missing else self.lastplayed)

    def record_in_doubt(self, plays, baseline):
        """Record what is known when trakt confirmed only ``plays`` of the plays and refused the others or left
        them in doubt (docs/design.md, rule 4). With some confirmed, ``confirmed(plays)``. With none, the item's
        record stays as it was, so the next sync counts those viewings again as a change in Kodi, and the plays of
        them that did reach trakt as the same change on trakt. One case needs more: viewings this sync saw only by
        a later lastplayed (un-watched and watched again, no row above the record's count) would not show against
        that record once Kodi's count grows again; its rows are recorded one lower, so they still do. An item met
        for the first time stays unmet: its one play stands for Kodi's whole count, and the next sync meets it
        again."""
        if plays:
            baseline.record(self.confirmed(plays))
            return
        found = baseline.find_watched([key for key in (self.replaces, self.key) if key])
        if self.first_meeting or found is None or found[3] is None or self.rows is None:
            return
        key, kodi_plays, trakt_plays, base_rows = found
        if any(count > base_rows.get(token, 0) for token, count in self.rows.items()):
            return
        baseline.record_watched(self.key, kodi_plays, trakt_plays, parse_utc(baseline.watched[key][2]), key,
                                {token: max(0, count - 1) for token, count in self.rows.items()},
                                baseline.trakt_newest(key))


@dataclass
class HistoryRemove:
    """Remove every play of the item from trakt (an unwatch in Kodi, with "send unwatched")."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    kodi_plays: int
    reason: str
    replaces: Optional[str] = None
    trakt_plays: int = 0
    rows: Optional[dict] = None

    def record_into(self, baseline):
        baseline.record_history_removed(self.key, self.kodi_plays, self.replaces, self.rows)


@dataclass
class KodiWatchedUpdate:
    """Set ``playcount`` and ``lastplayed`` (``None``: clear it) of the Kodi items ``kodi_ids`` (copies of one
    title share a key)."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    kodi_ids: Tuple[int, ...]
    playcount: int
    lastplayed: Optional[datetime]
    trakt_plays: int
    reason: str
    replaces: Optional[str] = None
    rows: Optional[dict] = None
    copies_only: bool = False   # only copies that lag behind their item's play count are written
    rows_read: Optional[dict] = None   # the rows as the sync read them: what the write changed (other_accounts.py)
    trakt_newest: Optional[datetime] = None   # trakt's newest play of the item as read

    @property
    def kodi_plays(self):
        return self.playcount

    def record_into(self, baseline):
        baseline.record_kodi_updated(self.key, self.playcount, self.trakt_plays, self.lastplayed, self.replaces,
                                     self.rows, self.trakt_newest)


@dataclass
class CollectionAdd:
    """Add (or update) the item in the trakt collection."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    collected_at: Optional[datetime]
    metadata: Optional[dict]
    reason: str

    def record_into(self, baseline):
        baseline.record_collected(self.key)


@dataclass
class CleanCandidate:
    """A trakt collection item that is not in the Kodi library; ``collected_at`` and ``metadata`` are trakt's,
    for the backup and "Restore last clean"."""
    kind: str
    key: str
    title: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    year: Optional[int]
    collected_at: Optional[datetime]
    metadata: Optional[dict]
    reason: str

    def record_into(self, baseline):
        baseline.record_uncollected(self.key)


@dataclass
class Settled:
    """No write needed; the baseline takes these plays (``replaces``: an older key of the item to drop)."""
    key: str
    kodi_plays: int
    trakt_plays: int
    lastplayed: Optional[datetime]
    reason: str
    replaces: Optional[str] = None
    rows: Optional[dict] = None
    trakt_newest: Optional[datetime] = None   # trakt's newest play of the item as read

    def record_into(self, baseline):
        baseline.record_watched(self.key, self.kodi_plays, self.trakt_plays, self.lastplayed, self.replaces,
                                self.rows, self.trakt_newest)


@dataclass
class Pending:
    """A change that needs a write to a side whose direction is switched off; kept for when it is on again."""
    kind: str
    key: str
    title: str
    reason: str


@dataclass
class Plan:
    to_trakt_history_add: List[HistoryAdd] = field(default_factory=list)
    to_trakt_history_remove: List[HistoryRemove] = field(default_factory=list)
    to_kodi: List[KodiWatchedUpdate] = field(default_factory=list)
    collection_add: List[CollectionAdd] = field(default_factory=list)
    clean_candidates: List[CleanCandidate] = field(default_factory=list)
    clean_blocked_reason: Optional[str] = None
    settled: List[Settled] = field(default_factory=list)
    forget: List[str] = field(default_factory=list)
    collected_on_trakt: Set[str] = field(default_factory=set)
    pending: List[Pending] = field(default_factory=list)
    unmatched: List[Unmatched] = field(default_factory=list)
    library_rebuilt: bool = False   # every watched row read unwatched: rows that lost plays planned as new

    def is_empty(self):
        """True when nothing is to be written to either side (clean candidates need approval: not counted)."""
        return not (self.to_trakt_history_add or self.to_trakt_history_remove or self.to_kodi
                    or self.collection_add)

    def counts(self):
        """Numbers for the summary: plays for history, items for the rest."""
        result = streams.counts(self, streams.LIBRARY_STREAMS)
        for kind in (MOVIE, EPISODE):
            name = kind + 's'
            result['pending_' + name] = sum(1 for a in self.pending if a.kind == kind)
            result['unmatched_' + name] = sum(1 for a in self.unmatched if a.kind == kind)
        return result

    def summary(self):
        """One line per non-zero count, e.g. ``'trakt: 3 movie plays to add'``."""
        counts = self.counts()
        lines = streams.summary_lines(counts, streams.LIBRARY_STREAMS)
        for template, label in (('pending_{}', '{} {} waiting for a direction'),
                                ('unmatched_{}', '{} {} without usable ids')):
            for kind in (MOVIE, EPISODE):
                number = counts[template.format(kind + 's')]
                if number:
                    lines.append(label.format(number, kind))
        return lines


# --- the merge -----------------------------------------------------------------------------------------------

_TRAKT_ADD, _TRAKT_REMOVE, _KODI = 'trakt_add', 'trakt_remove', 'kodi'


def decide(kodi_plays, trakt_plays, base, before_reset, options, same_last_viewing=False, trakt_rewatched=False):
    """The watched decision for one item: ``(write, new_kodi_plays, new_trakt_plays, reason)``.

    ``write`` is ``None`` (nothing to write), ``'trakt_add'``, ``'trakt_remove'`` or ``'kodi'``; ``base`` is
    ``(bk, bt)`` or ``None`` (first sync of the item); ``before_reset``: all trakt plays predate the show's
    ``reset_at``; ``same_last_viewing``: trakt's newest play is at the minute of Kodi's ``lastplayed``. See the
    module docstring for the rules. ``trakt_rewatched``: trakt's newest play is later than at the last sync (with
    no more plays: some were removed there and others added).
    """
    k, t = kodi_plays, trakt_plays
    if base is None:
        if t == 0 and k > 0:
            return _TRAKT_ADD, k, 1, 'watched in Kodi, not on trakt: one play at the last viewing'
        if k == 0 and t > 0:
            if before_reset:
                return None, k, t, 'watched on trakt before the show was reset for a re-watch'
            return _KODI, t, t, 'watched on trakt ({} plays), not in Kodi'.format(t)
        if t > k:
            return _KODI, t, t, 'trakt has {} plays, Kodi {}: Kodi takes the larger'.format(t, k)
        return None, k, t, 'watched on both sides' if k else 'not watched yet'
    bk, bt = base
    gained_kodi, gained_trakt = max(0, k - bk), max(0, t - bt)
    if same_last_viewing and bool(gained_kodi) != bool(gained_trakt):
        return None, k, t, ('only one side gained plays, and trakt\'s newest play is Kodi\'s last viewing: the '
                            'change was copied from the other side (another Kodi box, a scrobbler)')
    if gained_kodi or gained_trakt:
        to_trakt, to_kodi = gained_kodi - gained_trakt, gained_trakt - gained_kodi
        if to_trakt > 0:
            return _TRAKT_ADD, k, t + to_trakt, '{} new play(s) in Kodi'.format(to_trakt)
        if to_kodi > 0:
            if k == 0 and before_reset:
                return None, k, t, 'watched on trakt before the show was reset for a re-watch'
            return _KODI, k + to_kodi, t, '{} new play(s) on trakt'.format(to_kodi)
        return None, k, t, 'the same {} viewing(s) recorded on both sides'.format(gained_kodi)
    if k == 0 and bk > 0 and t > 0:
        if options.send_unwatched and trakt_rewatched:
            # trakt's plays are not those of the last sync: a check-in since, or another box sending a viewing
            # this one never read. Removing them could delete a viewing, so they stay.
            return None, k, t, 'unwatched in Kodi; trakt has a newer play than at the last sync: nothing removed'
        if options.send_unwatched:
            return _TRAKT_REMOVE, 0, 0, 'unwatched in Kodi'
        return None, k, t, 'unwatched in Kodi; not sent to trakt ("send unwatched" is off)'
    if t == 0 and bt > 0 and k > 0:
        if options.take_unwatched:
            return _KODI, 0, 0, 'unwatched on trakt'
        return None, k, t, 'unwatched on trakt; not taken ("take unwatched" is off)'
    if (k, t) != (bk, bt):
        return None, k, t, 'fewer plays than at the last sync; nothing is removed'
    return None, k, t, 'unchanged'


def new_play_times(lastplayed, count):
    """``count`` distinct minute timestamps ending at ``lastplayed``, oldest first (``None``s without one)."""
    if lastplayed is None:
        return (None,) * count
    newest = to_minute(lastplayed)
    return tuple(newest - ONE_MINUTE * (count - 1 - i) for i in range(count))


class _Entry:
    """Both sides of one item while planning."""
    __slots__ = ('kind', 'group', 'season', 'number', 'kodi', 'trakt')

    def __init__(self, kind, group, season, number):
        self.kind, self.group, self.season, self.number = kind, group, season, number
        self.kodi = []
        self.trakt = []


def _norm_title(title):
    return ' '.join(str(title or '').casefold().split())


def _metadata_changes(local, remote):
    remote = remote or {}
    return ['{} {} -> {}'.format(name, remote.get(name), value) for name, value in sorted((local or {}).items())
            if value is not None and remote.get(name) != value]


def make_plan(kodi, trakt, baseline=None, options=None, hold_history=frozenset()):
    """The plan that brings Kodi and trakt in step (see the module docstring for the rules).

    ``hold_history``: keys whose plays must not be sent now (an earlier attempt's outcome is unknown and trakt may
    still take it); they are listed as pending."""
    options = options or PlanOptions()
    baseline = baseline if baseline is not None else Baseline()
    plan = Plan(unmatched=list(kodi.unmatched))
    index = ItemIndex()
    seen_shows = set()
    for movie in kodi.movies:
        index.add_movie(movie.ids)
    for item in trakt.movies:
        index.add_movie(item.ids)
    for ids in [e.show_ids for e in kodi.episodes] + [e.show.ids for e in trakt.episodes]:
        if ids not in seen_shows:
            seen_shows.add(ids)
            index.add_show(ids)

    entries = {}
    show_groups = {}

    def entry_for(kind, group, season=None, number=None):
        key = index.movie_key(group) if kind == MOVIE else index.episode_key(group, season, number)
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = _Entry(kind, group, season, number)
        return entry

    def show_group(ids):
        group = show_groups.get(ids, False)
        if group is False:
            group = show_groups[ids] = index.group_of_show(ids)
        return group

    for movie in kodi.movies:
        group = index.group_of_movie(movie.ids)
        if group is None:
            plan.unmatched.append(Unmatched(MOVIE, movie.title, movie.file, 'no usable ids', movie.year))
        else:
            entry_for(MOVIE, group).kodi.append(movie)
    for episode in kodi.episodes:
        group = show_group(episode.show_ids)
        if group is None:
            plan.unmatched.append(Unmatched(EPISODE, episode.show_title, episode.file, 'show has no usable ids'))
        else:
            entry_for(EPISODE, group, episode.season, episode.number).kodi.append(episode)
    # from_lists never yields id-less trakt items; a hand-built snapshot might, and they cannot match anything.
    for item in trakt.movies:
        group = index.group_of_movie(item.ids)
        if group is not None:
            entry_for(MOVIE, group).trakt.append(item)
    for item in trakt.episodes:
        group = show_group(item.show.ids)
        if group is not None:
            entry_for(EPISODE, group, item.season, item.number).trakt.append(item)

    excluded = {}
    for item in list(kodi.unmatched) + list(kodi.excluded) + plan.unmatched:
        excluded.setdefault((item.kind, _norm_title(item.title)), set()).add(item.year)
    if not kodi.complete:
        plan.clean_blocked_reason = 'the Kodi library read looks incomplete: {}'.format(
            kodi.incomplete_reason or 'unknown reason')
    claimed = set()
    plan.library_rebuilt = _library_rebuilt(kodi, baseline)
    baseline_rows = _BaselineRows(baseline)

    for key in sorted(entries):
        entry = entries[key]
        _plan_item(plan, options, baseline, index, key, entry, claimed, excluded, hold_history, baseline_rows)

    if plan.library_rebuilt:
        # Rows that read fewer plays are new in a library taken as rebuilt; an entry the baseline already holds as
        # it is needs no recording, or a library that stays in that state (a direction turned off) would never
        # settle.
        plan.settled = [s for s in plan.settled if not _recorded_as_is(baseline, s)]
    if kodi.complete:
        plan.forget = sorted(k for k in baseline.watched if k not in claimed)
    return plan


def _recorded_as_is(baseline, settled):
    entry = baseline.watched.get(settled.key)
    return (entry is not None and settled.replaces is None
            and (entry[0], entry[1], entry[3]) == (settled.kodi_plays, settled.trakt_plays, settled.rows)
            and baseline.trakt_newest(settled.key) == settled.trakt_newest)


def _trakt_state(items):
    """One trakt state from the trakt items of a key (normally one; several only with contradicting ids)."""
    items = sorted(items, key=lambda i: (-i.plays, str(i.collected_at)))
    first = items[0]
    plays = first.plays
    last_watched = None
    for item in items:
        last_watched = later(last_watched, item.last_watched_at)
    collected = [i for i in items if i.collected]
    return first, plays, last_watched, (collected[0] if collected else None)


def _library_rebuilt(kodi, baseline):
    """Whether the Kodi library looks rebuilt (a fresh database scanned anew): at least two rows the baseline knew
    as watched are in the library, and every one of them reads unwatched. Kodi dates a new row by its file's
    modification time, so such a row can get the old id AND the old date; a user un-watching everything at once is
    far less likely. docs/design.md, "Identity: library rows"."""
    watched_rows = {}
    for entry in baseline.watched.values():
        for token, count in (entry[3] or {}).items():
            if count:
                watched_rows[token] = count
    if len(watched_rows) < 2:
        return False
    seen = 0
    for item in list(kodi.movies) + list(kodi.episodes):
        token = row_token(item.kodi_id, item.dateadded)
        if token in watched_rows:
            if item.playcount:
                return False
            seen += 1
    return seen >= 2


def _kodi_plays(rows_now, found, viewed=lambda token: True, played_after=lambda token: False, twins=None,
                rebuilt=False):
    """``(kodi_plays, base, base_rows, new_rows)`` of an item from its rows (``{row_token: playcount}``) and its
    baseline entry ``found`` (see the module docstring, "Kodi rows").

    ``base`` is ``(bk, bt)``, or ``None`` when the item is planned as new (no entry, or none of the entry's rows is
    in the library any more: removed and added again, a rebuilt database); ``new_rows`` tells the latter. In a
    library taken as ``rebuilt`` an item whose known rows read fewer plays than they did is new as well; one that
    gained keeps its history, so a viewing since the last sync still counts."""
    most = max(rows_now.values())
    if found is None:
        return most, None, None, False
    _key, bk, bt, base_rows = found
    if base_rows is None:          # migrated from schema 1: rows unknown, compare the item's largest playcount
        return most, (bk, bt), None, False
    known = [(count, base_rows[token]) for token, count in rows_now.items() if token in base_rows]
    if not known or (rebuilt and any(count < was for count, was in known)):
        return most, None, None, True
    # a new copy beside a known row starts at 0 in Kodi: its plays are viewings since the last sync. A row whose
    # lastplayed is not newer than the item's at the last sync was only brought up to the item's play count by
    # another Kodi box: no viewing.
    # Copies with the same play count and lastplayed are one viewing history (another box brought one up to the
    # other): each such group gains as its least-gaining row.
    # A copy that lagged behind its film at the last sync, or a new one beside a known row, gains one viewing at
    # most: more is another box having written trakt's plays into it (copies are not kept in step,
    # docs/design.md), and counting those again would send plays trakt already has.
    base_most = max(base_rows.values()) if base_rows else 0
    groups = {}
    for token, count in rows_now.items():
        row_gain = count - base_rows.get(token, 0)
        if token not in base_rows or base_rows[token] < base_most:
            row_gain = min(1, row_gain)
        if not viewed(token):
            row_gain = min(0, row_gain)
        group = (twins or {}).get(token, token)
        groups[group] = min(groups.get(group, row_gain), row_gain)
    gain = max(groups.values())
    if gain > 0:
        return bk + gain, (bk, bt), base_rows, False
    if most == 0 and any(was > 0 for _count, was in known):
        return 0, (bk, bt), base_rows, False
    if any(count and played_after(token) for token, count in rows_now.items()):
        # un-watched and watched again since the last sync: fewer plays than then, but a viewing all the same
        return bk + 1, (bk, bt), base_rows, False
    return bk, (bk, bt), base_rows, False


def _viewed_since(rows, baseline, found, token, strict=False):
    """Whether the row ``token`` (of ``rows``, the item's ``(row token, Kodi item)`` pairs) was played after the
    last sync recorded the item (its ``lastplayed`` is later, to the minute, than the item's then): a copy another
    Kodi box brought up carries the item's old one. Without both times it counts as played, unless ``strict``."""
    recorded = parse_utc(baseline.watched[found[0]][2])
    for row, item in rows:
        if row == token:
            if recorded is None or item.lastplayed is None:
                return not strict
            return to_minute(item.lastplayed) > to_minute(recorded)
    return not strict


def _copies_to_bring_up(kodi_items, rows_now, base_rows, target):
    """The copies to write up to the item's play count ``target``: only when the copy that held it was deleted and
    none left holds it, those the user did not change since the last sync (a new copy, or one left as it was).
    Copies are one item, watched if either is: keeping them in step would make a later viewing of a brought-up copy,
    read by another box, look like as many viewings as the copy gained (docs/design.md, copies)."""
    if base_rows is None or any(count >= target for count in rows_now.values()):
        return []
    if not any(count >= target for token, count in base_rows.items() if token not in rows_now):
        return []
    lagging = []
    for item in kodi_items:
        token = row_token(item.kodi_id, item.dateadded)
        if token not in base_rows or base_rows[token] == rows_now[token]:
            lagging.append(item)
    return lagging


class _BaselineRows(object):
    """The baseline's keys by the library rows their entries were made from, per kind (built when first asked,
    which a sync does only for an item no key names: one string per row)."""
    _SEVERAL = object()

    def __init__(self, baseline):
        self._baseline = baseline
        self._keys = None

    def keys(self, kind, tokens):
        if self._keys is None:
            self._keys = keys = {}
            for stored, entry in self._baseline.watched.items():
                prefix = stored.partition(':')[0] + ':'
                for token in entry[3] or ():
                    row = prefix + token
                    keys[row] = stored if keys.get(row, stored) == stored else self._SEVERAL
        found = set(self._keys.get(kind + ':' + token) for token in tokens)
        found.discard(None)
        return found


def _found_by_row(baseline, baseline_rows, index, claimed, entry, ids, tokens):
    """The baseline entry of an item none of whose keys this sync names it, found by its library rows: a baseline
    entry belongs to one row. The item's ids changed in Kodi (a refresh that lost one) while trakt's lists no
    longer carry the id it was stored under (un-watched there, or a list made from our own writes, which carry
    Kodi's ids), so its keys this sync miss it; planned as new, its plays would be sent to trakt again. Taken only
    when exactly one entry has the rows, no other item of this sync has the id it is stored under, and none of the
    item's ids contradicts it (a file matched to another film keeps its row)."""
    candidates = [stored for stored in baseline_rows.keys(entry.kind, tokens) if stored not in claimed]
    if len(candidates) != 1 or not isinstance(candidates[0], str):
        return None
    parts = candidates[0].split(':')
    id_kind = MOVIE if entry.kind == MOVIE else SHOW
    if entry.kind == MOVIE:
        if len(parts) != 3:
            return None
    elif len(parts) != 5 or parts[3:] != [str(entry.season), str(entry.number)]:
        return None
    name, value = parts[1], parts[2]
    if index.knows(id_kind, name, value) or getattr(ids, name, None) is not None:
        return None
    return baseline.find_watched(candidates)


def _plan_item(plan, options, baseline, index, key, entry, claimed, excluded, hold_history, baseline_rows):
    kind = entry.kind
    kodi_items = sorted(entry.kodi, key=lambda i: i.kodi_id)
    if entry.trakt:
        trakt_item, trakt_plays, last_watched, trakt_collected = _trakt_state(entry.trakt)
    else:
        trakt_item, trakt_plays, last_watched, trakt_collected = None, 0, None, None
    if kind == MOVIE:
        aliases = partial(index.movie_aliases, entry.group)
        source = trakt_item or kodi_items[0]
        title = '{} ({})'.format(source.title, source.year) if source.year else source.title
        ids = trakt_item.ids if trakt_item else kodi_items[0].ids
        show_ids = None
        year = source.year
        match_title = source.title
    else:
        aliases = partial(index.episode_aliases, entry.group, entry.season, entry.number)
        show_title = trakt_item.show.title if trakt_item else kodi_items[0].show_title
        title = '{} S{:02d}E{:02d}'.format(show_title, entry.season, entry.number)
        ids = kodi_items[0].ids if kodi_items else Ids()
        show_ids = trakt_item.show.ids if trakt_item else kodi_items[0].show_ids
        year = trakt_item.show.year if trakt_item else None
        match_title = show_title
    naming = dict(kind=kind, key=key, title=title, ids=ids, show_ids=show_ids, season=entry.season,
                  number=entry.number)

    if trakt_collected is not None:
        plan.collected_on_trakt.add(key)

    if not kodi_items:
        if trakt_collected is not None and options.clean_candidates and plan.clean_blocked_reason is None:
            years = excluded.get((kind, _norm_title(match_title)))
            if years is not None and (year is None or None in years or year in years):
                return
            reason = 'in your trakt collection, not in the Kodi library'
            if baseline.was_collected(aliases()):
                reason += ' (collected at an earlier sync)'
            plan.clean_candidates.append(CleanCandidate(
                year=year, collected_at=trakt_collected.collected_at, metadata=trakt_collected.metadata,
                reason=reason, **naming))
        return

    lastplayed = None
    dateadded = None
    for item in kodi_items:
        lastplayed = later(lastplayed, item.lastplayed)
        if item.dateadded is not None and (dateadded is None or item.dateadded < dateadded):
            dateadded = item.dateadded
    metadata = next((i.metadata for i in kodi_items if i.metadata), None)

    # Aliases only matter when the canonical key misses (an id gained or lost since): build them only then.
    row_items = [(row_token(i.kodi_id, i.dateadded), i) for i in kodi_items]
    found = baseline.find_watched((key,))
    if found is None and baseline.watched:
        found = baseline.find_watched(aliases())
        if found is None:
            found = _found_by_row(baseline, baseline_rows, index, claimed, entry,
                                  ids if kind == MOVIE else show_ids, [token for token, _item in row_items])
    claimed.add(key)
    replaces = None
    if found is not None:
        claimed.add(found[0])
        replaces = found[0] if found[0] != key else None
    rows_now = {token: i.playcount or 0 for token, i in row_items}
    kodi_plays, base, base_rows, new_rows = _kodi_plays(rows_now, found,
                                                        partial(_viewed_since, row_items, baseline, found),
                                                        partial(_viewed_since, row_items, baseline, found,
                                                                strict=True),
                                                        {token: (i.playcount,
                                                                 to_minute(i.lastplayed) if i.lastplayed else token)
                                                         for token, i in row_items},
                                                        plan.library_rebuilt)
    before_reset = kind == EPISODE and trakt_item is not None and trakt_item.watched_before_reset()
    same_last_viewing = (lastplayed is not None and last_watched is not None
                         and to_minute(lastplayed) == to_minute(last_watched))
    stored_newest = baseline.trakt_newest(found[0]) if found is not None else None
    newest = to_minute(last_watched) if trakt_plays and last_watched is not None else None
    trakt_rewatched = stored_newest is not None and newest is not None and newest > stored_newest
    write, new_kodi, new_trakt, reason = decide(kodi_plays, trakt_plays, base, before_reset, options,
                                                same_last_viewing, trakt_rewatched)
    if new_rows:
        reason += ' (a library row the last sync did not see: planned as a new item)'

    if write is None:
        lagging = _copies_to_bring_up(kodi_items, rows_now, base_rows, new_kodi)
        if lagging and options.to_kodi(kind):
            rows = dict(rows_now)
            rows.update((row_token(i.kodi_id, i.dateadded), new_kodi) for i in lagging)
            plan.to_kodi.append(KodiWatchedUpdate(
                kodi_ids=tuple(i.kodi_id for i in lagging), playcount=new_kodi,
                lastplayed=later(lastplayed, last_watched), trakt_plays=new_trakt,
                reason=reason + '; copies brought up to the same play count', replaces=replaces, rows=rows,
                copies_only=True, rows_read=rows_now, trakt_newest=newest, **naming))
        elif (base != (new_kodi, new_trakt) or replaces or new_rows or base_rows != rows_now
              or stored_newest != newest):
            plan.settled.append(Settled(key, new_kodi, new_trakt, lastplayed, reason, replaces, rows_now, newest))
    elif write in (_TRAKT_ADD, _TRAKT_REMOVE) and not options.to_trakt(kind):
        plan.pending.append(Pending(kind, key, title, reason + '; waiting: sending {}s to trakt is off'.format(kind)))
    elif write == _KODI and not options.to_kodi(kind):
        plan.pending.append(Pending(kind, key, title, reason + '; waiting: taking {}s from trakt is off'.format(kind)))
        if new_rows and plan.library_rebuilt and found is not None:
            # A rebuilt library's row waiting for trakt's plays: its old entry goes, so the next sync meets the row
            # as new again instead of reading it (then no longer rebuilt) as an un-watch and removing trakt's plays.
            claimed.discard(found[0])
            claimed.discard(key)
    elif write == _TRAKT_ADD and key in hold_history:
        plan.pending.append(Pending(kind, key, title, reason + '; waiting: trakt may still be taking an earlier '
                                    'attempt whose answer was lost'))
    elif write == _TRAKT_ADD:
        plan.to_trakt_history_add.append(HistoryAdd(
            watched_at=new_play_times(lastplayed, new_trakt - trakt_plays), kodi_plays=new_kodi,
            trakt_plays=new_trakt, lastplayed=lastplayed, reason=reason, replaces=replaces, rows=rows_now,
            first_meeting=base is None, trakt_newest=newest, **naming))
    elif write == _TRAKT_REMOVE:
        plan.to_trakt_history_remove.append(HistoryRemove(kodi_plays=new_kodi, reason=reason, replaces=replaces,
                                                          rows=rows_now, **naming))
    else:
        new_lastplayed = later(lastplayed, last_watched) if new_kodi else None
        # Plays from trakt raise the copies below the item's new count and never lower one that reads more (a
        # copy's plays can count for less than it reads, see _kodi_plays); an un-watch sets every copy to 0.
        written = [i for i in kodi_items if not new_kodi or (i.playcount or 0) < new_kodi]
        rows = dict(rows_now)
        rows.update((row_token(i.kodi_id, i.dateadded), new_kodi) for i in written)
        plan.to_kodi.append(KodiWatchedUpdate(
            kodi_ids=tuple(i.kodi_id for i in written), playcount=new_kodi, lastplayed=new_lastplayed,
            trakt_plays=new_trakt, reason=reason, replaces=replaces, rows=rows, rows_read=rows_now,
            trakt_newest=newest, **naming))

    if options.collection_add:
        if trakt_collected is None:
            plan.collection_add.append(CollectionAdd(
                collected_at=dateadded, metadata=metadata if options.metadata else None,
                reason='in the Kodi library, not in your trakt collection', **naming))
        elif options.metadata and metadata:
            changes = _metadata_changes(metadata, trakt_collected.metadata)
            if changes:
                plan.collection_add.append(CollectionAdd(
                    collected_at=trakt_collected.collected_at, metadata=metadata,
                    reason='media info changed: ' + ', '.join(changes), **naming))
