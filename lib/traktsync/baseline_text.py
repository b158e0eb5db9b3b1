"""The baseline's JSON text for the writes during a sync, made again only for the watched entries that changed.

A sync writes the whole baseline every few seconds (baseline_saver.py), and at XL (~140,000 entries) making its
text with ``dumps`` took ~0.3-0.5 s here and a median of 0.7 s inside Kodi, each time, on the two cores Kodi's own
writes use (docs/performance.md, Round 5). Between two writes only the entries of the confirmed batches change,
so the text of every other entry is kept from the write before.

An entry is never changed in place: ``Baseline`` records a change as a new list. So an entry whose list is the one
encoded last time (``is``, with that list kept alive here so its identity cannot be reused) has the same text. The
file is the same JSON as ``Baseline.to_json`` makes, in no particular order, and is written whole and atomically
as before (store.py): this changes what the text costs, not what a crash can leave behind.

One ``BaselineText`` serves one sync; its calls must not overlap (the saver runs one write at a time).
"""
from traktsync.jsonutil import dumps, quote

_SECTIONS = ('schema', 'account', 'collected', 'ratings', 'resume')


class BaselineText(object):

    def __init__(self):
        self._watched = {}   # key -> (the entry list encoded, its text b'"key":[...]')

    def encode(self, data):
        """``data`` is ``Baseline.to_json(...)``; returns its JSON as UTF-8 bytes."""
        known = self._watched
        current = {}
        for key, entry in data['watched'].items():
            encoded = known.get(key)
            if encoded is None or encoded[0] is not entry:
                encoded = (entry, _watched_entry(key, entry))
            current[key] = encoded
        # Keys gone from the baseline go from here too.
        self._watched = current
        sections = ','.join('{}:{}'.format(quote(name), _dumps(data[name])) for name in _SECTIONS if name in data)
        return b''.join([b'{', sections.encode('ascii'), b',' if sections else b'', b'"watched":{',
                         b','.join([text for _, text in current.values()]), b'}}'])


def _dumps(value):
    return dumps(value, separators=(',', ':'))


def _watched_entry(key, entry):
    """``"key":[kodi_plays,trakt_plays,lastplayed,rows]`` (model.Baseline), ASCII like ``dumps``."""
    kodi_plays, trakt_plays, lastplayed, rows = entry
    if rows is None:
        rows_text = 'null'
    else:
        rows_text = '{' + ','.join([quote(token) + ':%d' % count for token, count in rows.items()]) + '}'
    text = '%s:[%d,%d,%s,%s]' % (quote(key), kodi_plays, trakt_plays,
                                 'null' if lastplayed is None else quote(lastplayed), rows_text)
    return text.encode('ascii')
