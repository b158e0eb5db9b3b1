"""The harness's promise to whoever runs the tests: a run killed half-way (``timeout``, CI cancelling the job)
leaves no Kodi or Xvfb behind to eat the next run's CPU and ports, and a Kodi that crashes leaves a backtrace."""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import require_kodi

pytestmark = pytest.mark.kodi

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# A test run in miniature: start a Kodi, say its processes, then wait to be killed.
RUNNER = """
import sys, time
sys.path[:0] = [{root!r}, {lib!r}]
from tools import kodi_harness
kodi = kodi_harness.Kodi({workdir!r}, module_addon_cache={cache!r})
kodi.start()
print(kodi.process.pid, kodi.xvfb.pid, flush=True)
time.sleep(600)
"""


def _alive(pid):
    try:
        with open('/proc/{}/stat'.format(pid)) as handle:
            return handle.read().split(') ', 1)[1][0] != 'Z'
    except OSError:
        return False


def test_kodi_and_xvfb_end_when_the_test_run_is_killed(tmp_path, module_addon_cache):
    require_kodi()
    script = RUNNER.format(root=ROOT, lib=os.path.join(ROOT, 'lib'), workdir=str(tmp_path / 'kodi'),
                           cache=module_addon_cache)
    runner = subprocess.Popen([sys.executable, '-c', script], stdout=subprocess.PIPE)
    pids = []
    try:
        line = runner.stdout.readline().decode()
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids), 'the runner did not start Kodi: {!r}'.format(line)
        # A Kodi that cannot act on SIGTERM, as a busy one that has lost its display did not: stopped, it never does.
        os.kill(pids[0], signal.SIGSTOP)
        runner.send_signal(signal.SIGKILL)      # no clean-up code of the runner runs
        runner.wait()
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in pids if _alive(p)] == [], 'Kodi or Xvfb outlived the killed test run'
    finally:
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        if runner.poll() is None:
            runner.kill()


def test_the_call_connection_gets_no_notifications(tmp_path, module_addon_cache):
    """Kodi sends every notification to every TCP client, and blocks when one stops reading: a call connection
    that takes them fills up during a big scan (nobody reads it between calls) and stalls Kodi's notifications to
    everyone, OnScanFinished included (the bench's XL scan waited forever). Kodi takes the notification switches
    only under its own names (``VideoLibrary``, not ``videolibrary``)."""
    require_kodi()
    from tools import kodi_harness
    kodi = kodi_harness.Kodi(str(tmp_path / 'kodi'), module_addon_cache=module_addon_cache)
    try:
        kodi.start()
        kodi.call('JSONRPC.NotifyAll', {'sender': 'test', 'message': 'hello'})
        kodi.notifications.wait('Other.hello', timeout=30)   # every client that takes them has it now
        assert kodi.call('JSONRPC.Ping') == 'pong'
        # (one Kodi was already sending when the switches changed may still arrive: not this one, sent after)
        assert [n for n in kodi.rpc.transport.notifications if n.get('method') == 'Other.hello'] == []
        switches = kodi.call('JSONRPC.GetConfiguration')['notifications']
        assert not [name for name, on in switches.items() if on], switches
    finally:
        kodi.close()


def test_a_kodi_that_crashes_leaves_a_backtrace_and_no_core_file(tmp_path, module_addon_cache):
    """A Kodi that crashed in CI (SIGSEGV at start-up, once) left only a log that stopped. The harness lets kodi.bin
    dump core and turns the core into a backtrace of every thread (kept with a failed test's artifacts)."""
    require_kodi()
    with open('/proc/sys/kernel/core_pattern') as handle:
        if handle.read().startswith('|'):
            pytest.skip('this machine hands core dumps to a program (core_pattern), not to a file')
    from tools import kodi_harness
    kodi = kodi_harness.Kodi(str(tmp_path / 'kodi'), module_addon_cache=module_addon_cache)
    try:
        kodi.start()
        os.kill(kodi.process.pid, signal.SIGSEGV)     # as a crash would
        assert kodi.process.wait(60) == -signal.SIGSEGV
        report = kodi.crash_report()
        assert report is not None, 'Kodi left no core file'
        assert 'gdb is not installed' in report or ('SIGSEGV' in report and 'Thread 1' in report), report[-2000:]
        assert kodi.crash_report() is None       # the core file (hundreds of MiB) is gone
    finally:
        kodi.close()
    assert not [name for name in os.listdir(str(tmp_path / 'kodi')) if name.startswith('core')]
