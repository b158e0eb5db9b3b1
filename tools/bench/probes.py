"""What the benchmark watches while a sync runs: Kodi's responsiveness and memory, and the add-on's log lines.

``Probe`` sends ``JSONRPC.Ping`` on a connection of its own every ``interval`` seconds and samples Kodi's resident
memory (``/proc/<pid>/status``) at the same time, from a process of its own; ``LogFollower`` reads kodi.log from
where it last stopped (a big log read whole ten times a second would cost the machine more than the sync).
"""
import multiprocessing
import re
import time

from tools.kodi_harness import QuietTransport
from traktsync.kodi.jsonrpc import JsonRpc, JsonRpcError

PING_INTERVAL = 0.1
PING_TIMEOUT = 30.0
SLOW_PING = 0.1       # seconds: a ping this slow is listed with its time, to find in kodi.log what Kodi was doing
SLOW_PINGS_KEPT = 10


def rss_kib(pid, field='VmRSS'):
    try:
        with open('/proc/{}/status'.format(pid)) as handle:
            for line in handle:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak(pid):
    """Reset the kernel's peak-RSS mark (VmHWM) of ``pid``; False where the kernel does not allow it."""
    try:
        with open('/proc/{}/clear_refs'.format(pid), 'w') as handle:
            handle.write('5')
        return True
    except OSError:
        return False


def _sample(port, pid, interval, stop, results):
    """The probe's loop, in a process of its own: in the bench's process the emulator's Python work (a page of a
    big watched list is made from every play) held the GIL for up to half a second, and a ping Kodi answered in
    time was read late (docs/performance.md, Round 4)."""
    rpc = JsonRpc(QuietTransport(port=port, timeout=PING_TIMEOUT))
    pings, slow, failures = [], [], 0
    rss_start = rss_kib(pid)
    rss_peak = rss_start
    peak_reset = reset_peak(pid)
    results.put('started')
    while not stop.is_set():
        started, sent = time.perf_counter(), time.time()
        try:
            rpc.call('JSONRPC.Ping')
            seconds = time.perf_counter() - started
            pings.append(seconds)
            if seconds >= SLOW_PING:
                slow = sorted(slow + [(sent, seconds)], key=lambda ping: -ping[1])[:SLOW_PINGS_KEPT]
        except JsonRpcError:
            failures += 1
        rss = rss_kib(pid)
        if rss is not None:
            rss_peak = max(rss_peak or 0, rss)
        stop.wait(max(0.0, interval - (time.perf_counter() - started)))
    rpc.transport.close()
    if peak_reset:
        # the kernel's own peak catches a spike between two samples
        rss_peak = max(rss_peak or 0, rss_kib(pid, 'VmHWM') or 0)
    results.put((pings, slow, failures, rss_start, rss_peak))


class Probe(object):
    """Pings Kodi and samples its memory from a process of its own (``_sample``) between ``start`` and ``stop``."""

    def __init__(self, port, pid, interval=PING_INTERVAL):
        context = multiprocessing.get_context('spawn')   # the bench's threads (the emulator) stay out of it
        self._stop = context.Event()
        self._results = context.Queue()
        self._process = context.Process(target=_sample, args=(port, pid, interval, self._stop, self._results),
                                        name='bench-probe', daemon=True)
        self.pings = []          # seconds per answered ping
        self.slow_pings = []     # (UTC time sent, seconds) of the slowest pings over SLOW_PING
        self.failures = 0
        self.rss_start = None
        self.rss_peak = None

    def start(self):
        self._process.start()
        self._results.get(timeout=PING_TIMEOUT)   # sampling from here on: the caller starts the sync next
        return self

    def stop(self):
        self._stop.set()
        self.pings, self.slow_pings, self.failures, self.rss_start, self.rss_peak = self._results.get(
            timeout=PING_TIMEOUT + 30)
        self._process.join(30)
        return self

    def summary(self):
        pings = sorted(self.pings)
        return {
            'ping_max_ms': round(pings[-1] * 1000, 1) if pings else None,
            'ping_p99_ms': round(pings[int(len(pings) * 0.99)] * 1000, 1) if pings else None,
            'pings': len(pings), 'ping_failures': self.failures,
            'ping_slow': [[time.strftime('%H:%M:%S', time.gmtime(sent)) + '.{:03d}'.format(int(sent % 1 * 1000)),
                           round(seconds * 1000, 1)] for sent, seconds in sorted(self.slow_pings)],
            'rss_start_mib': round((self.rss_start or 0) / 1024.0, 1),
            'rss_growth_mib': round(((self.rss_peak or 0) - (self.rss_start or 0)) / 1024.0, 1),
        }


class LogTimeout(RuntimeError):
    """No log line matched within the time given."""


class LogFollower(object):
    """Lines of a growing log file, read incrementally; ``wait(pattern)`` returns the first new matching line."""

    def __init__(self, path):
        self._path = path
        self._offset = 0
        self._rest = ''
        self.lines = []

    def _read(self):
        try:
            with open(self._path, encoding='utf-8', errors='replace') as handle:
                handle.seek(self._offset)
                text = handle.read()
                self._offset = handle.tell()
        except OSError:
            return []
        text = self._rest + text
        parts = text.split('\n')
        self._rest = parts.pop()
        self.lines.extend(parts)
        return parts

    def skip_to_end(self):
        self._read()
        return len(self.lines)

    def wait(self, pattern, since, timeout, alive=None, poll=0.1):
        """The first line after line number ``since`` matching ``pattern``; ``(index, line)``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            self._read()
            for index in range(checked, len(self.lines)):
                if regex.search(self.lines[index]):
                    return index, self.lines[index]
            checked = len(self.lines)
            if alive is not None and not alive():
                raise RuntimeError('Kodi ended while the benchmark waited for {!r}'.format(pattern))
            if time.monotonic() > deadline:
                raise LogTimeout('no log line matching {!r} within {} s'.format(pattern, timeout))
            time.sleep(poll)
