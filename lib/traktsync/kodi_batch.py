"""How many changes go to Kodi in one batch (watched, ratings, resume points): about as many as Kodi writes in
``BATCH_SECONDS``.

Kodi finishes a JSON-RPC batch it has started, so the batch in flight is what "Cancel", or Kodi quitting, waits
for; Kodi ends a script that has not stopped 5 s after quitting began, with an error in its log. Kodi's cost per
``Set*Details`` is not one figure: measured on one machine, 6.3-7.4 ms a write in a SQLite library and 14.5 ms in a
MariaDB one (a shared library, the server on the same machine), so a batch of 500 took 3.2-3.4 s in one and 7.3 s
in the other; a server across the network or a slower box takes longer still. Large batches are faster, because
Kodi refreshes its home screen after each call, up to about 500. So the first batch is small, and each one after it
is sized from the time per write of the batch before.
"""
from traktsync import logger

FIRST = 100
SMALLEST = 25
LARGEST = 500
# Within the 5 s Kodi gives a quitting script. At 3 s an L first sync (make bench) was ~5 % slower, with batches of
# ~330 writes; at 4.5 s a fast Kodi keeps batches of about 500 (docs/performance.md, Round 6).
BATCH_SECONDS = 4.5


class KodiBatchSize(object):
    def __init__(self, first=FIRST, smallest=SMALLEST, largest=LARGEST, seconds=BATCH_SECONDS):
        self.size = first
        self.smallest = smallest
        self.largest = largest
        self.seconds = seconds

    def took(self, writes, seconds):
        """A batch of ``writes`` took ``seconds``: the next one is sized to take about ``BATCH_SECONDS``."""
        if writes <= 0:
            return
        if seconds <= 0:   # a clock that did not move (or went back): nothing to go by but the largest
            self.size = self.largest
            return
        self.size = max(self.smallest, min(self.largest, int(self.seconds * writes / seconds)))


def write_in_batches(changes, write, clock, before_batch):
    """Write ``changes`` into Kodi through ``write`` (the library's ``apply_*``) in batches sized by time; yields
    each batch with the ids of its changes Kodi refused (logged here). ``before_batch(done)`` runs before each one
    (the cancel check, the progress); ``clock()`` is in seconds. Only the write is timed, not what the caller does
    with a batch."""
    size = KodiBatchSize()
    done = 0
    while done < len(changes):
        before_batch(done)
        batch = changes[done:done + size.size]
        done += len(batch)
        began = clock()
        failures = write(batch)
        size.took(len(batch), clock() - began)
        for failure in failures:
            logger.warning('Kodi did not take {}: {}', failure.change.title, failure.message)
        yield batch, set(id(failure.change) for failure in failures)
