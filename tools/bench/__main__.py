"""``make bench`` / ``python -m tools.bench``: the whole sync in real Kodi against the trakt emulator.

    python -m tools.bench --sizes S,M --scenarios first,noop-manual,small-change,noop-timer
    python -m tools.bench --sizes L,XL --slow-sizes L          # the lead's full run (quiet machine)

Per size: a fresh Kodi with the data set's library (scanned once, cached under build/bench/) and a fresh emulator
account at ``--latency`` (50 ms) and 1 POST/s run the scenarios in order: the first sync, a manual no-op re-sync,
a small change (10 items watched in Kodi, 10 on trakt), then a timer no-op (Kodi restarted with the timer on).
Sizes in ``--slow-sizes`` also run the first sync again at ``--slow-latency`` (200 ms). Every run prints one row
and appends it to bench/results.json. ``--profile DIR`` leaves a cProfile of each manual sync in DIR.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'lib'))

from tools import kodi_harness  # noqa: E402
from tools.bench import datasets, report  # noqa: E402
from tools.bench.session import Session  # noqa: E402

SCENARIOS = ('first', 'noop-manual', 'small-change', 'noop-timer', 'first-startup')


def say(text):
    print(text, flush=True)


def _list(text):
    return [part.strip() for part in (text or '').split(',') if part.strip()]


def run_session(dataset, latency, scenarios, args, machine):
    session = Session(dataset, ROOT, latency, post_interval=args.post_interval, profile_dir=args.profile, say=say,
                      logs_dir=args.logs)
    rows = []
    try:
        session.open()
        for scenario in scenarios:
            if scenario == 'first':
                row = session.manual('first')
            elif scenario == 'noop-manual':
                row = session.manual('noop-manual')
            elif scenario == 'small-change':
                row = session.small_change()
            elif scenario == 'first-startup':
                row = session.startup_first()
            else:
                row = session.timer()
            row['machine'] = machine
            row['scan'] = session.scan_info
            say(report.line(row))
            report.append(args.results, row)
            rows.append(row)
    finally:
        session.close()
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--sizes', default='S', help='comma-separated: {} (default: %(default)s)'.format(
        ','.join(datasets.SIZES)))
    parser.add_argument('--scenarios', default=','.join(SCENARIOS[:4]),
                        help='default: %(default)s; also first-startup (the first sync by the service at start-up, '
                             'in a session of its own)')
    parser.add_argument('--latency', type=float, default=0.05, help='seconds per trakt answer (%(default)s)')
    parser.add_argument('--slow-sizes', default='L', help='sizes whose first sync also runs at --slow-latency')
    parser.add_argument('--slow-latency', type=float, default=0.2)
    parser.add_argument('--post-interval', type=float, default=1.0, help="trakt's POST pacing (%(default)s s)")
    parser.add_argument('--results', default=os.path.join(ROOT, 'bench', 'results.json'))
    parser.add_argument('--profile', help='folder for a cProfile (.pstats) of each manual sync inside Kodi')
    parser.add_argument('--logs', help="folder to keep each session's kodi.log in (to find what Kodi was doing at "
                                       "the times of the slow pings a row lists)")
    args = parser.parse_args(argv)
    missing = kodi_harness.missing_parts()
    if missing:
        parser.error('real Kodi cannot run here (missing: {})'.format(missing))
    scenarios = _list(args.scenarios)
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        parser.error('unknown scenarios {} (known: {})'.format(unknown, ', '.join(SCENARIOS)))
    if args.profile:
        args.profile = os.path.abspath(args.profile)
    sizes = [name.upper() for name in _list(args.sizes)]
    slow = [name.upper() for name in _list(args.slow_sizes)]
    machine = report.machine()
    started = time.monotonic()
    say(report.HEADER)
    for name in sizes:
        dataset = datasets.get(name)
        run_session(dataset, args.latency, scenarios, args, machine)
        if name in slow and 'first' in scenarios:
            run_session(dataset, args.slow_latency, ['first'], args, machine)
    say('bench: {:.0f} s; rows appended to {}'.format(time.monotonic() - started, args.results))
    return 0


if __name__ == '__main__':
    sys.exit(main())
