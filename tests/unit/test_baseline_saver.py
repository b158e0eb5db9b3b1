"""When the baseline goes to disk during a sync (baseline_saver.py): at most every 2 s, and a write that took long
spaces the next one out, so that writing a big baseline never takes the Kodi writes' CPU most of the time."""
from traktsync.baseline_saver import BaselineSaver


class Clock(object):
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def saver_writing(clock, seconds_per_write):
    written = []

    def write(data):
        clock.now += seconds_per_write   # the write itself takes this long
        written.append(data)
    return BaselineSaver(lambda: clock.now, write, clock), written


def test_a_quick_write_is_repeated_two_seconds_later():
    clock = Clock()
    saver, written = saver_writing(clock, 0.1)
    clock.now += 2.0
    saver.changed()
    clock.now += 1.9
    saver.changed()
    clock.now += 0.1
    saver.changed()
    assert len(written) == 2


def test_a_slow_write_spaces_the_next_one_five_times_as_far():
    clock = Clock()
    saver, written = saver_writing(clock, 1.2)   # a baseline of 120,000 items
    clock.now += 2.0
    saver.changed()                              # written: took 1.2 s
    clock.now += 3.0
    saver.changed()                              # 4.2 s after it started: not yet
    assert len(written) == 1
    clock.now += 2.0
    saver.changed()                              # over 6 s after it started
    assert len(written) == 2


def test_the_write_at_the_end_does_not_wait():
    clock = Clock()
    saver, written = saver_writing(clock, 1.2)
    clock.now += 2.0
    saver.changed()
    saver.changed()
    saver.flush()
    assert len(written) == 2
