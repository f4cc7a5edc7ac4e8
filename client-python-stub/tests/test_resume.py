"""The one resume rule (pure): start_batch past the batches delivered, the limit less their
samples, nothing left once a limit is used up."""
import pytest

from fgbg.resume import StreamPoint, after


def test_the_rest_starts_past_the_delivered_batches():
    assert after(StreamPoint(2, 0), 5, 80) == StreamPoint(7, 0), "no limit stays no limit"
    assert after(StreamPoint(0, 0), 0, 0) == StreamPoint(0, 0)


def test_a_limit_is_reduced_by_the_samples_delivered_and_used_up_leaves_nothing():
    assert after(StreamPoint(2, 100), 3, 48) == StreamPoint(5, 52)
    assert after(StreamPoint(2, 100), 7, 100) is None, "limit 0 would mean: to the end"
    with pytest.raises(ValueError, match="delivered 101 samples past a limit of 100"):
        after(StreamPoint(2, 100), 7, 101)
    with pytest.raises(ValueError, match="delivered 3 batches holding 2 samples"):
        after(StreamPoint(0, 100), 3, 2)
    with pytest.raises(ValueError, match="must not be negative"):
        StreamPoint(-1, 0)
