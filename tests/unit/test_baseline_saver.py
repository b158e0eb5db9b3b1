"""When the baseline goes to disk during a sync (baseline_saver.py): at most every 2 s, and a write that took long
spaces the next one out, so that writing a big baseline never takes the Kodi writes' CPU most of the time."""
import pytest

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
    saver = BaselineSaver(lambda: clock.now, write, clock)

    def changed():
        """Records were added; returns once a write it started has ended."""
        saver.changed()
        assert saver.idle(10.0)
    return saver, changed, written


def test_a_quick_write_is_repeated_two_seconds_later():
    clock = Clock()
    saver, changed, written = saver_writing(clock, 0.1)
    clock.now += 2.0
    changed()                                    # written: took 0.1 s
    clock.now += 1.5
    changed()                                    # 1.6 s after it started: not yet
    assert len(written) == 1
    clock.now += 0.5
    changed()                                    # 2.1 s after it started
    assert len(written) == 2


def test_a_slow_write_spaces_the_next_one_five_times_as_far():
    clock = Clock()
    saver, changed, written = saver_writing(clock, 1.2)   # a baseline of 120,000 items
    clock.now += 2.0
    changed()                                    # written: took 1.2 s
    clock.now += 3.0
    changed()                                    # 4.2 s after it started: not yet
    assert len(written) == 1
    clock.now += 2.0
    changed()                                    # over 6 s after it started
    assert len(written) == 2


def test_the_write_at_the_end_does_not_wait():
    clock = Clock()
    saver, changed, written = saver_writing(clock, 1.2)
    clock.now += 2.0
    changed()
    changed()
    saver.flush()
    assert len(written) == 2


def test_a_failed_background_write_is_raised_by_the_next_call_and_its_records_written_again():
    clock = Clock()
    attempts = []

    def write(data):
        attempts.append(data)
        if len(attempts) == 1:
            raise OSError('No space left on device')
    saver = BaselineSaver(lambda: clock.now, write, clock)
    clock.now += 2.0
    saver.changed()
    assert saver.idle(10.0)
    with pytest.raises(OSError):
        saver.changed()
    saver.flush()
    assert len(attempts) == 2
