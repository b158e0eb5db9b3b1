"""Runs the "every major" real-Kodi tests (pytest marker ``every_major``) on each Kodi major the add-on claims.

Debian ships one Kodi per release: bullseye has 19.1 (Matrix), bookworm 20.1 (Nexus), trixie 21.2 (Omega). For
each major this builds a Debian chroot once (``debootstrap --variant=minbase`` plus Kodi from the same Debian
archive apt uses) under build/kodi-chroots/<suite>/ and reuses it afterwards; a chroot is marked ready only
when its build finished (TRAKTSYNC_KODI_CHROOTS names another folder for them). The system's Kodi is used where
it is the wanted major.

The tests run on the host's Python, as ``make test`` runs them; tools/kodi_harness.py starts Kodi inside the
chroot (TRAKTSYNC_KODI_ROOT) on the host's Xvfb. The chroot gets /proc, /dev and /dev/pts and the test run's
temporary folder bind-mounted. All of it happens in a mount and PID namespace of its own (``unshare --mount
--pid``): the mounts are undone explicitly at the end, and the kernel drops them, and ends every Kodi and Xvfb
the run started, when the run ends, however it ends (a failing test, Ctrl-C, a kill), so neither a mount nor
a process is ever left behind.

    python -m tools.kodi_versions                       # 19, 20 and 21, the every_major tests once each
    python -m tools.kodi_versions --kodi 19 --repeat 5  # loop one major (flaky tests are failing tests)
    python -m tools.kodi_versions --kodi 21 -- -k menu  # pytest arguments after --

Needs root (debootstrap, mount, chroot), as CI has.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'lib'))

from tools import kodi_harness  # noqa: E402

SUITES = {19: 'bullseye', 20: 'bookworm', 21: 'trixie'}
PACKAGES = ['kodi', 'libgl1-mesa-dri', 'python3']     # Xvfb is the host's
CHROOTS = os.environ.get('TRAKTSYNC_KODI_CHROOTS') or os.path.join(ROOT, 'build', 'kodi-chroots')
READY = '.traktsync-ready'
NAMESPACE_ENV = 'TRAKTSYNC_KODI_VERSIONS_NS'
SCRATCH_ENV = 'TRAKTSYNC_KODI_VERSIONS_TMP'
DEFAULT_MIRROR = 'http://deb.debian.org/debian'
# A minbase bullseye has no /etc/hosts (trixie's has one). Kodi binds its JSON-RPC TCP server to what
# getaddrinfo("localhost") answers; without /etc/hosts that is nothing, and Kodi 19 only shows a toast ("Unable
# to start the JSON-RPC server") and logs nothing. Every real system has these lines.
ETC_HOSTS = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'


def log(message):
    print('[kodi-versions] ' + message, flush=True)


def run(args, **kwargs):
    log('$ ' + ' '.join(args))
    subprocess.run(args, check=True, **kwargs)


def debian_mirror():
    """The Debian archive apt already uses (TRAKTSYNC_DEBIAN_MIRROR overrides it)."""
    if os.environ.get('TRAKTSYNC_DEBIAN_MIRROR'):
        return os.environ['TRAKTSYNC_DEBIAN_MIRROR']
    texts = []
    for folder, pattern in (('/etc/apt', r'^sources\.list$'), ('/etc/apt/sources.list.d', r'\.(list|sources)$')):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if re.search(pattern, name):
                with open(os.path.join(folder, name), errors='replace') as handle:
                    texts.append(handle.read())
    return mirror_in(texts)


def mirror_in(texts):
    """The first Debian archive (not debian-security) named in apt source texts, one-line or deb822 format."""
    for text in texts:
        for match in re.finditer(r'^(?:deb\s+(?:\[[^\]]*\]\s+)?|URIs:\s*)(\S+/debian/?)\s', text + '\n', re.M):
            return match.group(1).rstrip('/')
    return DEFAULT_MIRROR


class Mounts(object):
    """Bind mounts made inside this process's private mount namespace, undone in reverse order."""

    def __init__(self):
        self.targets = []

    def bind(self, source, target):
        made = []       # the mount point's folders this made, removed again after the unmount
        folder = target
        while not os.path.exists(folder):
            made.append(folder)
            folder = os.path.dirname(folder)
        os.makedirs(target, exist_ok=True)
        run(['mount', '--bind', source, target])
        self.targets.append((target, made))

    def chroot_basics(self, chroot):
        for path in ('/proc', '/dev', '/dev/pts'):
            self.bind(path, os.path.join(chroot, path.lstrip('/')))

    def undo(self):
        while self.targets:
            target, made = self.targets.pop()
            if subprocess.run(['umount', target]).returncode != 0:
                subprocess.run(['umount', '--lazy', target])
            for folder in made:
                try:
                    os.rmdir(folder)
                except OSError:
                    break

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.undo()


def end_leftovers():
    """End what a test run left running (a Kodi and its Xvfb when pytest itself was killed). This process is the
    first of its own PID namespace, so every other process in it is one the run started."""
    if os.getpid() != 1:
        return
    for name in os.listdir('/proc'):
        if name.isdigit() and int(name) != 1:
            try:
                os.kill(int(name), signal.SIGKILL)
            except ProcessLookupError:
                pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                time.sleep(0.1)
        except ChildProcessError:
            return


def chroot_dir(major):
    return os.path.join(CHROOTS, SUITES[major])


def ensure_chroot(major):
    """The chroot for ``major``, built now if there is no finished one. Returns (path, seconds spent)."""
    target = chroot_dir(major)
    if os.path.exists(os.path.join(target, READY)):
        log('Kodi {}: reusing {}'.format(major, target))
        return target, 0.0
    started = time.monotonic()
    partial = target + '.partial'
    if os.path.exists(partial):
        shutil.rmtree(partial)      # a build that was cut short; this namespace has no mounts in it
    if os.path.exists(target):
        shutil.rmtree(target)
    os.makedirs(CHROOTS, exist_ok=True)
    suite = SUITES[major]
    log('Kodi {}: building a {} chroot in {} from {}'.format(major, suite, target, debian_mirror()))
    run(['debootstrap', '--variant=minbase', suite, partial, debian_mirror()])
    shutil.copy('/etc/resolv.conf', os.path.join(partial, 'etc', 'resolv.conf'))
    hosts = os.path.join(partial, 'etc', 'hosts')
    if not os.path.exists(hosts):
        with open(hosts, 'w') as handle:
            handle.write(ETC_HOSTS)
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    with Mounts() as mounts:
        mounts.chroot_basics(partial)
        run(['chroot', partial, 'apt-get', 'update', '-qq'], env=env)
        run(['chroot', partial, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends'] + PACKAGES, env=env,
            stdout=subprocess.DEVNULL)
        run(['chroot', partial, 'apt-get', 'clean'], env=env)
    os.rename(partial, target)
    with open(os.path.join(target, READY), 'w') as handle:
        handle.write(' '.join(PACKAGES) + '\n')
    seconds = time.monotonic() - started
    log('Kodi {}: chroot built in {:.0f} s'.format(major, seconds))
    return target, seconds


def system_kodi_major(workdir):
    if kodi_harness.kodi_binary(None) is None:
        return None
    saved = os.environ.pop(kodi_harness.KODI_ROOT_ENV, None)
    try:
        return kodi_harness.probe(workdir, None).major
    except kodi_harness.KodiError as exc:
        log('the system Kodi did not answer: {}'.format(exc))
        return None
    finally:
        if saved is not None:
            os.environ[kodi_harness.KODI_ROOT_ENV] = saved


def run_major(major, args, results):
    """Build or reuse the chroot, then run the tests ``args.repeat`` times; append (label, outcome, seconds)."""
    basetemp_parent = tempfile.mkdtemp(prefix='kodi{}-'.format(major), dir=os.environ.get(SCRATCH_ENV))
    try:
        with Mounts() as mounts:
            root = None
            if major == args.system_major:
                log('Kodi {}: the system Kodi'.format(major))
            else:
                root, seconds = ensure_chroot(major)
                if seconds:
                    results.append(('Kodi {} chroot build'.format(major), 'built', seconds))
                mounts.chroot_basics(root)
                mounts.bind(basetemp_parent, os.path.join(root, basetemp_parent.lstrip('/')))
            info = kodi_harness.probe(os.path.join(basetemp_parent, 'probe'), root)
            if info.major != major:
                raise SystemExit('asked for Kodi {}, {} has Kodi {}'.format(major, root or 'the system', info.version))
            label = 'kodi-' + info.version
            log('{}: {}'.format(label, info))
            env = dict(os.environ, TRAKTSYNC_REQUIRE_KODI='1', TRAKTSYNC_KODI_LABEL=label)
            env.pop(kodi_harness.KODI_ROOT_ENV, None)
            if root:
                env[kodi_harness.KODI_ROOT_ENV] = root
            for round_ in range(1, args.repeat + 1):
                basetemp = os.path.join(basetemp_parent, 'run{}'.format(round_))
                command = ([sys.executable, '-m', 'pytest'] + (['-m', args.marker] if args.marker else [])
                           + ['--basetemp', basetemp, '-p', 'no:cacheprovider'] + args.pytest_args)
                log('{} round {}/{}: {}'.format(label, round_, args.repeat, ' '.join(command)))
                started = time.monotonic()
                code = subprocess.run(command, cwd=ROOT, env=env).returncode
                end_leftovers()
                seconds = time.monotonic() - started
                outcome = 'passed' if code == 0 else 'FAILED (pytest exit {})'.format(code)
                results.append(('{} round {}'.format(label, round_), outcome, seconds))
                log('{} round {}: {} in {:.0f} s'.format(label, round_, outcome, seconds))
                if code != 0 and not args.keep_going:
                    return False
            return all('FAILED' not in outcome for name, outcome, _ in results if name.startswith(label))
    finally:
        shutil.rmtree(basetemp_parent, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--kodi', type=int, nargs='+', choices=sorted(SUITES), default=[19, 20, 21],
                        help='Kodi majors to test (default: 19 20 21)')
    parser.add_argument('--repeat', type=int, default=1, help='run the tests this many times on each major')
    parser.add_argument('--marker', default='every_major',
                        help='pytest marker expression (default: every_major; empty: all tests)')
    parser.add_argument('--keep-going', action='store_true', help='go on after a failing round')
    parser.add_argument('--build-only', action='store_true', help='only build (or reuse) the chroots')
    parser.add_argument('pytest_args', nargs='*', help='passed to pytest (after --)')
    args = parser.parse_args(argv)

    if os.geteuid() != 0:
        raise SystemExit('kodi-versions needs root (debootstrap, mount, chroot); CI runs as root')
    if os.environ.get(NAMESPACE_ENV) != '1':
        # Everything below in a mount and PID namespace of its own: its mounts and processes end with it.
        os.environ[NAMESPACE_ENV] = '1'
        command = ['unshare', '--mount', '--propagation', 'private', '--pid', '--fork', '--mount-proc',
                   '--kill-child', sys.executable, '-m', 'tools.kodi_versions']
        scratch = tempfile.mkdtemp(prefix='traktsync-kodi-versions-')     # removed here, however the run ends
        os.environ[SCRATCH_ENV] = scratch
        inner = subprocess.Popen(command + (argv if argv is not None else sys.argv[1:]), cwd=ROOT)
        # unshare ignores SIGTERM while it waits; ending it ends the namespace (--kill-child), and with it every
        # process and mount of the run. Ctrl-C reaches the tests themselves, which then stop as usual.
        signal.signal(signal.SIGTERM, lambda *_: inner.kill())
        try:
            while True:
                try:
                    return inner.wait()
                except KeyboardInterrupt:
                    continue
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    started = time.monotonic()
    results = []
    if args.build_only:
        for major in args.kodi:
            results.append(('Kodi {} chroot'.format(major), 'ready', ensure_chroot(major)[1]))
        failed = []
    else:
        scratch = tempfile.mkdtemp(prefix='system-kodi-', dir=os.environ.get(SCRATCH_ENV))
        try:
            args.system_major = system_kodi_major(scratch)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        failed = [major for major in args.kodi if not run_major(major, args, results)]
    log('summary:')
    for name, outcome, seconds in results:
        log('  {:<28} {:<24} {:6.0f} s'.format(name, outcome, seconds))
    log('  {:<28} {:<24} {:6.0f} s'.format('total', 'FAILED on Kodi ' + ', '.join(map(str, failed))
                                             if failed else 'passed', time.monotonic() - started))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
