"""Kodi's library items paired with trakt's entries of one list (ratings, resume points) by their ids (pure).

The same matching as the watched merge (model.ItemIndex: ids only, copies of one title are one item), so an item's
ratings and resume entries in the baseline sit under the key its plays do.
"""
from dataclasses import dataclass, field
from typing import Optional

from traktsync import streams
from traktsync.model import EPISODE, MOVIE, Ids, ItemIndex, _slots


@_slots
@dataclass
class StreamItem:
    """One library item (all its Kodi copies in ``rows``) and trakt's entry for it, if any. ``aliases``: every key
    its baseline entry may be under, canonical (``key``) first. Slotted, and the aliases and the title are made when
    asked (from ``index`` and the first row): a library's worth of them made up front was the largest part of
    planning the streams (tools/bench/memory.py: 5 of the 29 MiB of a no-op sync's peak at M)."""
    kind: str
    key: str
    ids: Ids
    show_ids: Optional[Ids]
    season: Optional[int]
    number: Optional[int]
    index: ItemIndex
    group: tuple
    rows: list = field(default_factory=list)
    trakt: Optional[dict] = None

    @property
    def aliases(self):
        if self.kind == MOVIE:
            return self.index.movie_aliases(self.group)
        return self.index.episode_aliases(self.group, self.season, self.number)

    def baseline_entry(self, find):
        """``find(keys)`` (a Baseline.find_* method) over this item's keys: its canonical key, then its other
        aliases only when that misses and it has any (most items have one id, so one key)."""
        found = find((self.key,))
        if found[1] is None and self.index.has_aliases(self.group):
            found = find(self.aliases)
        return found

    @property
    def title(self):
        first = self.rows[0]
        if self.kind == MOVIE:
            return first.title
        return '{} S{:02d}E{:02d}'.format(first.show_title, self.season, self.number)

    @property
    def kodi_ids(self):
        return tuple(row.kodi_id for row in self.rows)


def _trakt_parts(entry):
    """``(kind, ids, show_ids, season, number)`` of a trakt list entry, or None when it is neither a movie nor an
    episode of a show (a show or season rating)."""
    if not isinstance(entry, dict):
        return None
    if entry.get('type') == MOVIE or (entry.get('type') is None and isinstance(entry.get('movie'), dict)):
        movie = entry.get('movie')
        return (MOVIE, Ids.from_trakt(movie.get('ids')), None, None, None) if isinstance(movie, dict) else None
    episode, show = entry.get('episode'), entry.get('show')
    if not isinstance(episode, dict) or not isinstance(show, dict):
        return None
    season, number = episode.get('season'), episode.get('number')
    if not isinstance(season, int) or not isinstance(number, int):
        return None
    return EPISODE, Ids.from_trakt(episode.get('ids')), Ids.from_trakt(show.get('ids')), season, number


def pair(snapshot, trakt_entries):
    """``[StreamItem]``: every Kodi item of ``snapshot``, with trakt's entry from ``trakt_entries`` (raw entries of
    /sync/ratings or /sync/playback) where one matches. Entries for items not in the library are left out: there
    is nothing to write for them on either side."""
    index = ItemIndex()
    for movie in snapshot.movies:
        index.add_movie(movie.ids)
    # The episodes of a show share one Ids object (library.py): each show is added and looked up once.
    shows = {id(episode.show_ids): episode.show_ids for episode in snapshot.episodes}
    for ids in shows.values():
        index.add_show(ids)
    parsed = []
    for entry in trakt_entries:
        parts = _trakt_parts(entry)
        if parts is None:
            continue
        parsed.append((parts, entry))
        if parts[0] == MOVIE:
            index.add_movie(parts[1])
        else:
            index.add_show(parts[2])
    items = {}
    for movie in snapshot.movies:
        group = index.group_of_movie(movie.ids)
        key = index.movie_key(group)
        item = items.get(key)
        if item is None:
            item = items[key] = StreamItem(MOVIE, key, movie.ids, None, None, None, index, group)
        item.rows.append(movie)
    show_groups = {identity: index.group_of_show(ids) for identity, ids in shows.items()}
    for episode in snapshot.episodes:
        group = show_groups[id(episode.show_ids)]
        key = index.episode_key(group, episode.season, episode.number)
        item = items.get(key)
        if item is None:
            item = items[key] = StreamItem(EPISODE, key, episode.ids, episode.show_ids, episode.season,
                                           episode.number, index, group)
        item.rows.append(episode)
    for (kind, ids, show_ids, season, number), entry in parsed:
        if kind == MOVIE:
            group = index.group_of_movie(ids)
            key = index.movie_key(group) if group is not None else None
        else:
            group = index.group_of_show(show_ids)
            key = index.episode_key(group, season, number) if group is not None else None
        item = items.get(key)
        if item is not None and item.trakt is None:   # newest first in trakt's lists: the first one counts
            item.trakt = entry
    return list(items.values())


@dataclass
class StreamPlan:
    """What one side stream (ratings, resume points) writes: its changes per direction, and the entries the
    baseline takes as they are (no write). ``stream_rows``: its rows of the table of sync streams."""
    stream_rows: tuple
    to_kodi: list = field(default_factory=list)
    to_trakt: list = field(default_factory=list)
    to_trakt_remove: list = field(default_factory=list)
    settled: list = field(default_factory=list)

    def counts(self):
        return streams.counts(self, self.stream_rows)

    def summary(self):
        return streams.summary_lines(self.counts(), self.stream_rows)
