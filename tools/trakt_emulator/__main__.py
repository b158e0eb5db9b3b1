"""``python -m tools.trakt_emulator --state FILE --port N``: the emulator as a process, for the demo.

The state file keeps catalog and account across runs; a missing file starts an empty account
on a small default catalog. Stop it with Ctrl-C or SIGTERM.
"""
import argparse
import os
import signal
import sys

from tools import catalog as catalog_module
from tools.trakt_emulator.emulator import Emulator


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m tools.trakt_emulator', description=__doc__.splitlines()[0])
    parser.add_argument('--state', required=True, help='JSON state file (catalog + account); created if missing')
    parser.add_argument('--port', type=int, default=0, help='TCP port on 127.0.0.1 (0: any free port)')
    parser.add_argument('--catalog-movies', type=int, default=10, help='movies in a new catalog')
    parser.add_argument('--catalog-shows', type=int, default=2, help='shows in a new catalog')
    parser.add_argument('--catalog-seasons', type=int, default=2, help='seasons per show in a new catalog')
    parser.add_argument('--catalog-episodes', type=int, default=10, help='episodes per season in a new catalog')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every answer')
    parser.add_argument('--post-interval', type=float, default=1.0, help='minimum seconds between authed POSTs')
    parser.add_argument('--device-interval', type=float, default=5, help='device-code polling interval')
    parser.add_argument('--client-id', default='test-client-id')
    parser.add_argument('--client-secret', default='test-client-secret')
    parser.add_argument('--auto-approve', action='store_true', help='approve every device code at once')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    catalog = None
    if not os.path.exists(args.state):
        catalog = catalog_module.make_catalog(args.catalog_movies, args.catalog_shows, args.catalog_seasons,
                                              args.catalog_episodes)
    try:
        emulator = Emulator(catalog=catalog, state_path=args.state, port=args.port, latency=args.latency,
                            post_interval=args.post_interval, client_id=args.client_id,
                            client_secret=args.client_secret, device_interval=args.device_interval)
    except (ValueError, OSError) as error:
        # The state file is left as it is: it may hold the only copy of a demo account.
        print('cannot use state file {}: {}'.format(args.state, error), file=sys.stderr)
        return 2
    emulator.auto_approve = args.auto_approve
    signal.signal(signal.SIGTERM, lambda *_: emulator.request_stop())
    emulator.start()
    print('trakt emulator listening on {}'.format(emulator.url), flush=True)
    try:
        emulator.wait_until_stopped()
    except KeyboardInterrupt:
        emulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
