"""History writes whose outcome is unknown (a timeout, a 5xx, an aborted request), per item.

trakt never de-duplicates plays, and under the overload that causes timeouts it can commit a request after the
client gave up. So an item whose plays may or may not have arrived is not sent again in the same sync, nor by a
sync within ``DOUBT_SECONDS``: by then trakt has taken the request or never will, and the next sync decides from
what trakt holds (the baseline was not updated, so plays that arrived show up as a change on trakt that matches
the change in Kodi). Kept per trakt account.
"""
import time

IN_DOUBT = 'in-doubt.json'
DOUBT_SECONDS = 15 * 60


class InDoubt(object):

    def __init__(self, store, clock=time.time):
        self.store = store
        self._clock = clock
        data = store.load(IN_DOUBT)
        now = clock()
        self._keys = {key: at for key, at in (data.items() if isinstance(data, dict) else ())
                      if isinstance(at, (int, float)) and 0 <= now - at < DOUBT_SECONDS}

    def held(self):
        """The keys whose plays must not be sent now."""
        return frozenset(self._keys)

    def add(self, keys):
        now = self._clock()
        for key in keys:
            self._keys[key] = now
        self.store.save(IN_DOUBT, self._keys)
