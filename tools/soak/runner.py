"""Runs many lives, prints what they did and what failed, shrinks failures to pasteable regression tests.

``python -m tools.soak --lives 2000 [--seed S]`` runs lives ``S*100000 + 0 .. N-1``; ``--life-seed X`` runs (and
shrinks) just that life. Exit status 1 when any life broke a promise.
"""
import argparse
import sys
import time
from collections import Counter, defaultdict

from tools.soak.life import generate, play
from tools.soak.shrink import shrink


def life_seeds(base_seed, lives):
    return [base_seed * 100000 + i for i in range(lives)]


class Summary(object):
    def __init__(self):
        self.lives = 0
        self.syncs = 0
        self.events = Counter()
        self.faults = Counter()
        self.raised = Counter()
        self.plays_checked = 0
        self.violations = Counter()        # kind -> violations
        self.failing_by_kind = defaultdict(list)   # first violation kind -> seeds
        self.failing = []                  # outcomes of failing lives
        self.by_trait = defaultdict(lambda: [0, 0])   # trait -> [lives, failing]
        self.seconds = 0.0

    def add(self, outcome):
        self.lives += 1
        self.syncs += outcome.syncs
        self.events.update(outcome.events)
        self.faults.update(outcome.faults)
        self.raised.update(outcome.raised)
        self.plays_checked += outcome.plays_checked
        for v in outcome.violations:
            self.violations[v.kind] += 1
        config = outcome.life.config
        traits = ['dateadded=' + config['dateadded'], 'two_boxes=' + str(config['two_boxes']),
                  'send_unwatched=' + str(config['send_unwatched']),
                  'take_unwatched=' + str(config['take_unwatched'])]
        for name in ('fresh_db', 'switch', 'move', 'readd_all', 'truncate', 'kodi_unwatch', 'trakt_unwatch',
                     'remove', 'ids', 'copy'):
            traits.append('has ' + name + '=' + str(bool(outcome.events.get(name))))
        for trait in traits:
            self.by_trait[trait][0] += 1
            if outcome.failed:
                self.by_trait[trait][1] += 1
        if outcome.failed:
            self.failing.append(outcome)
            self.failing_by_kind[outcome.violations[0].kind].append(outcome.life.seed)

    def table(self):
        failing = len(self.failing)
        lines = [
            'lives {:>6}   syncs {:>7}   time {:>7.1f} s ({:.3f} s/life)'.format(
                self.lives, self.syncs, self.seconds, self.seconds / max(1, self.lives)),
            'plays checked {:>8}   invariant violations {:>6}   failing lives {:>5}'.format(
                self.plays_checked, sum(self.violations.values()), failing),
            'events:     ' + _counts(self.events),
            'faults:     ' + _counts(self.faults),
        ]
        if self.raised:
            lines.append('escaped SyncEngine.sync under a fault: ' + _counts(self.raised))
        if self.violations:
            lines.append('violations: ' + _counts(self.violations))
            lines.append('failing lives by first violation: ' + ', '.join(
                '{} {}'.format(kind, len(seeds)) for kind, seeds in sorted(self.failing_by_kind.items())))
            lines.append('failure rate by kind of life:')
            for trait in sorted(self.by_trait):
                total, bad = self.by_trait[trait]
                lines.append('    {:<28} {:>5} lives, {:>5} failing ({:.0f} %)'.format(trait, total, bad,
                                                                                     100.0 * bad / total))
        return '\n'.join(lines)


def _counts(counter):
    return ', '.join('{} {}'.format(k, v) for k, v in sorted(counter.items())) or '-'


def run(seeds, out=sys.stdout, shrink_per_kind=1, shrink_budget=400, progress=True):
    summary = Summary()
    started = time.time()
    for number, seed in enumerate(seeds):
        summary.add(play(generate(seed)))
        if progress and (number + 1) % 200 == 0:
            out.write('  ... {} lives, {} failing, {:.0f} s\n'.format(number + 1, len(summary.failing),
                                                                      time.time() - started))
            out.flush()
    summary.seconds = time.time() - started
    out.write(summary.table() + '\n')
    shrunk = 0
    for kind, kind_seeds in sorted(summary.failing_by_kind.items()):
        out.write('\n== {}: {} failing lives, seeds {}{}\n'.format(
            kind, len(kind_seeds), ', '.join(str(s) for s in kind_seeds[:12]), ' ...' if len(kind_seeds) > 12
            else ''))
        for seed in kind_seeds[:shrink_per_kind]:
            report_life(seed, out, shrink_budget)
            shrunk += 1
    return summary


def report_life(seed, out, budget=400):
    life = generate(seed)
    outcome = play(life)
    if not outcome.failed:
        out.write('life {} does not fail\n'.format(seed))
        return None
    out.write('life {}: {} events, first violation: {!r}\n'.format(seed, len(life.events), outcome.violations[0]))
    small, small_outcome, runs = shrink(life, budget)
    out.write('shrunk to {} events in {} replays; violations of the shrunk life:\n'.format(len(small.events), runs))
    for v in small_outcome.violations[:6]:
        out.write('    {!r}\n'.format(v))
    out.write('# paste into tests/soak/test_regressions.py\n')
    out.write('# life seed {}\n{}\n'.format(seed, small.to_python()))
    out.flush()
    return small


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tools.soak', description=__doc__.splitlines()[0])
    parser.add_argument('--lives', type=int, default=200)
    parser.add_argument('--seed', type=int, default=1, help='base seed: lives seed*100000 + 0..lives-1')
    parser.add_argument('--life-seed', type=int, default=None, help='run and shrink this one life')
    parser.add_argument('--shrink', type=int, default=1, help='failing lives shrunk per violation kind')
    parser.add_argument('--shrink-budget', type=int, default=400, help='replays per shrink at most')
    args = parser.parse_args(argv)
    if args.life_seed is not None:
        life = generate(args.life_seed)
        sys.stdout.write(life.to_python() + '\n')
        outcome = play(life)
        for v in outcome.violations:
            sys.stdout.write('  {!r}\n'.format(v))
        if outcome.failed:
            report_life(args.life_seed, sys.stdout, args.shrink_budget)
        return 1 if outcome.failed else 0
    summary = run(life_seeds(args.seed, args.lives), shrink_per_kind=args.shrink, shrink_budget=args.shrink_budget)
    return 1 if summary.failing else 0
