"""The sync streams in one table: what each writes, where, and how it is counted and named.

A stream is one kind of write a sync makes (plays to trakt, watched states to Kodi, ratings to trakt, ...). The
engine takes its progress stage, its counter and its trakt call from here, the plan counts its actions with it
and the status screen names its progress and its "applied" lines with it, so a new stream is one row here
instead of strings spread over several files.
"""
from collections import namedtuple

from traktsync.model import EPISODE, MOVIE

KODI, TRAKT = 'kodi', 'trakt'

Stream = namedtuple('Stream', 'name plan_attribute stage side client_call progress_string applied_strings '
                              'limit_section summary counts_plays')
Stream.__doc__ = """One sync stream.

``name``: the counter prefix (``name + '_movies'``, ``name + '_episodes'`` in a result's ``applied``);
``plan_attribute``: the list of actions on its plan (plan.Plan, stream_items.StreamPlan);
``stage``: the engine's progress stage (also the not-found memory's section); ``side``: which side it writes;
``client_call``: the TraktClient method that sends its items (None for Kodi writes and for the streams the engine
sends one by one); ``progress_string``: the string id shown while it runs; ``applied_strings``: the status
screen's line for movies and for episodes; ``limit_section``: the account limit (/users/settings) its writes count
against; ``summary``: the plan summary's line (``{number} {kind}``); ``counts_plays``: counted in plays, not
items."""


def counter(stream, kind):
    return '{}_{}s'.format(stream.name, kind)


HISTORY_ADD = Stream('history_add', 'to_trakt_history_add', 'trakt-history', TRAKT, 'add_history', 30017,
                     (30061, 30062), 'history', 'trakt: {} {} plays to add', True)
HISTORY_REMOVE = Stream('history_remove', 'to_trakt_history_remove', 'trakt-unwatch', TRAKT, 'remove_history',
                        30018, (30063, 30064), 'history', 'trakt: {} {} to unwatch', False)
KODI_WATCHED = Stream('kodi', 'to_kodi', 'kodi-write', KODI, None, 30016, (30065, 30066), None,
                      'Kodi: {} {} to update', False)
COLLECTION_ADD = Stream('collection_add', 'collection_add', 'trakt-collection', TRAKT, 'add_collection', 30019,
                        (30067, 30068), 'collection', 'trakt: {} {} to collect', False)
CLEAN = Stream('clean', 'clean_candidates', 'trakt-clean', TRAKT, 'remove_collection', 30020, (30069, 30070),
               'collection', 'trakt: {} {} could be cleaned', False)
RATINGS_TO_TRAKT = Stream('ratings_add', 'to_trakt', 'trakt-ratings', TRAKT, 'add_ratings', 30080,
                          (30082, 30083), None, 'trakt: {} {} ratings to send', False)
RATINGS_REMOVE = Stream('ratings_remove', 'to_trakt_remove', 'trakt-ratings-remove', TRAKT, 'remove_ratings',
                        30080, (30084, 30085), None, 'trakt: {} {} ratings to remove', False)
RATINGS_TO_KODI = Stream('kodi_ratings', 'to_kodi', 'kodi-ratings', KODI, None, 30080, (30086, 30087), None,
                         'Kodi: {} {} ratings to update', False)
RESUME_TO_TRAKT = Stream('resume_add', 'to_trakt', 'trakt-resume', TRAKT, None, 30081, (30088, 30089), None,
                         'trakt: {} {} resume points to send', False)
RESUME_REMOVE = Stream('resume_remove', 'to_trakt_remove', 'trakt-resume-remove', TRAKT, None, 30081,
                       (30090, 30091), None, 'trakt: {} {} resume points to remove', False)
RESUME_TO_KODI = Stream('kodi_resume', 'to_kodi', 'kodi-resume', KODI, None, 30081, (30092, 30093), None,
                        'Kodi: {} {} resume points to update', False)

# The watched and collection streams of plan.Plan, in the order of the plan's summary.
LIBRARY_STREAMS = (HISTORY_ADD, HISTORY_REMOVE, KODI_WATCHED, COLLECTION_ADD, CLEAN)
RATINGS_STREAMS = (RATINGS_TO_KODI, RATINGS_TO_TRAKT, RATINGS_REMOVE)
RESUME_STREAMS = (RESUME_TO_KODI, RESUME_TO_TRAKT, RESUME_REMOVE)
ALL = LIBRARY_STREAMS + RATINGS_STREAMS + RESUME_STREAMS

# The read stages, which belong to no stream.
READ_STAGES = {'trakt': 30014, 'kodi': 30015}
# the Kodi writes and the trakt writes run side by side under one bar (engine, write_streams)
WRITING_STAGE = 'writing'
WRITING_STRING = 30047


def progress_strings():
    """Progress stage -> string id, for the progress dialogs and bars."""
    strings = dict(READ_STAGES)
    strings.update((stream.stage, stream.progress_string) for stream in ALL)
    strings[WRITING_STAGE] = WRITING_STRING
    return strings


def applied_lines():
    """``(counter, string id)`` of every status line, in table order."""
    return tuple((counter(stream, kind), stream.applied_strings[index])
                 for stream in ALL for index, kind in enumerate((MOVIE, EPISODE)))


def limit_section(stage):
    """Which account limit the writes of ``stage`` count against (the collection's when no stream says)."""
    for stream in ALL:
        if stream.stage == stage and stream.limit_section:
            return stream.limit_section
    return 'collection'


def changes(applied):
    """``(to_trakt, to_kodi)``: the number of changes each side got, from a result's ``applied`` counters."""
    sides = {counter(stream, kind): stream.side for stream in ALL for kind in (MOVIE, EPISODE)}
    to_kodi = sum(number for name, number in applied.items() if sides.get(name) == KODI)
    to_trakt = sum(number for name, number in applied.items() if sides.get(name, TRAKT) == TRAKT)
    return to_trakt, to_kodi


def counts(plan, streams):
    """``{counter: number}`` of the actions ``plan`` holds for ``streams`` (plays for a stream counted in plays)."""
    result = {}
    for stream in streams:
        actions = getattr(plan, stream.plan_attribute)
        for kind in (MOVIE, EPISODE):
            result[counter(stream, kind)] = sum(len(a.watched_at) if stream.counts_plays else 1
                                                for a in actions if a.kind == kind)
    return result


def summary_lines(counted, streams):
    """One line per non-zero count of ``counted`` (from ``counts``), e.g. ``'trakt: 3 movie plays to add'``."""
    lines = []
    for stream in streams:
        for kind in (MOVIE, EPISODE):
            number = counted.get(counter(stream, kind))
            if number:
                lines.append(stream.summary.format(number, kind))
    return lines
