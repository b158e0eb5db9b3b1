"""The baseline's JSON text for the writes during a sync, made again only for the parts that changed.

A sync writes the whole baseline every few seconds (baseline_saver.py), and at XL (~140,000 entries) making its
text with ``dumps`` took ~0.3-0.5 s here and a median of 0.7 s inside Kodi, each time, on the two cores Kodi's own
writes use (docs/performance.md, Round 5). Between two writes only the entries of the confirmed batches change.

So the watched entries are encoded in runs of ``RUN`` entries, in the baseline's own order: a confirmed batch
replaces entries where they are (a new list each time: ``Baseline`` never changes one in place), and its items
lie close together in that order. A run whose keys and entries are the ones encoded last time keeps its text;
comparing them costs little, because an entry that did not change is the same object. Keeping the text in runs,
not per entry, keeps what it holds near the size of the file (at L ~3 MiB), which matters to Kodi's memory.

The file is the same JSON as ``Baseline.to_json`` makes, in no particular order, and is written whole and
atomically as before (store.py): this changes what the text costs, not what a crash can leave behind. One
``BaselineText`` serves one sync; its calls must not overlap (the saver runs one write at a time).
"""
from traktsync.store import encode

RUN = 512


class BaselineText(object):

    def __init__(self, run=RUN):
        self._run = run
        self._runs = []   # per run of watched entries: (keys, entries, text without the braces)

    def encode(self, data):
        """``data`` is ``Baseline.to_json(...)``; returns its JSON as a list of UTF-8 byte strings, to be written
        one after the other (``JsonStore.save_encoded``): joined, they would be one more copy of the file in
        memory."""
        watched = data['watched']
        # Keys and entries apart: a list of (key, entry) pairs would make a new object per entry, and that many
        # new objects set off the garbage collector's passes over everything the sync holds.
        all_keys, all_entries = list(watched), list(watched.values())
        previous = self._runs
        runs = []
        size = self._run
        for number, start in enumerate(range(0, len(all_keys), size)):
            keys, entries = tuple(all_keys[start:start + size]), tuple(all_entries[start:start + size])
            known = previous[number] if number < len(previous) else None
            if known is None or known[0] != keys or known[1] != entries:
                known = (keys, entries, encode(dict(zip(keys, entries)))[1:-1])
            runs.append(known)
        self._runs = runs
        sections = [encode(name) + b':' + encode(value) + b',' for name, value in data.items() if name != 'watched']
        parts = [b''.join([b'{'] + sections + [b'"watched":{'])]
        for number, (_, _, text) in enumerate(runs):
            if number:
                parts.append(b',')
            parts.append(text)
        parts.append(b'}}')
        return parts
