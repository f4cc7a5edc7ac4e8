"""Integer arguments (sample indices, seeds, batch sizes, ranges, ranks) are checked, not
converted: a float, a string or a bool is a TypeError naming the argument; Python and numpy
integers (and integer arrays or tensors of indices) are taken. No server: every check happens
before a call is made (nothing listens on NOWHERE)."""
import re

import numpy as np
import pytest
import torch

import fgbg
from fgbg import failover, shm
from fgbg._checks import int_args, integer, integers, optional_integer
from fgbg.resume import StreamPoint, after
from fgbg.torch import ExportedDataset, FgbgDataset, FgbgDeviceLoader, FgbgIterableDataset
from fgbg.torch import _world

NOWHERE = "127.0.0.1:1"
NOT_INTEGERS = [1.5, 2.0, "7", b"7", True, False, None, np.float64(2.0), np.bool_(True),
                np.array(3.0), torch.tensor(2.0), torch.tensor(True), [1], object()]
INTEGERS = [0, 7, -3, 2 ** 40, np.int64(7), np.int32(7), np.uint8(7), np.array(7),
            torch.tensor(7)]


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_a_non_integer_is_a_type_error_naming_the_argument(value):
    with pytest.raises(TypeError, match=r"^batch_size must be an integer, got "):
        integer(value, "batch_size")


@pytest.mark.parametrize("value", INTEGERS, ids=repr)
def test_python_and_numpy_integers_are_taken_as_ints(value):
    k = integer(value, "seed")
    assert type(k) is int and k == int(value)
    assert optional_integer(value, "rank") == k and optional_integer(None, "rank") is None
    assert int_args(seed=value, end=3) == {"seed": k, "end": 3}


def test_index_lists_name_the_first_bad_position():
    with pytest.raises(TypeError, match=r"^indices\[0\] must be an integer, got 1\.5 \(float\)"):
        integers([1.5, "7"], "indices")
    with pytest.raises(TypeError, match=r"^indices\[1\] must be an integer, got '7' \(str\)"):
        integers([1, "7"], "indices")
    with pytest.raises(TypeError, match=r"^indices\[2\] must be an integer, got True"):
        integers([1, np.int64(2), True], "indices")
    with pytest.raises(TypeError, match=r"^indices\[0\] must be an integer"):
        integers(np.array([1.0, 7.0]), "indices")
    with pytest.raises(TypeError, match=r"^indices\[0\] must be an integer, got tensor\(1\.\)"):
        integers(torch.tensor([1.0, 7.0]), "indices")
    with pytest.raises(TypeError, match=r"^indices\[0\] must be an integer"):
        integers(np.array([True, False]), "indices")
    for not_a_sequence in ("17", b"17", 17, None):
        with pytest.raises(TypeError, match=r"^indices must be a sequence of integers"):
            integers(not_a_sequence, "indices")


def test_integer_sequences_of_every_kind_are_taken():
    for values in ([1, 7], (1, 7), range(1, 8, 6), np.array([1, 7]),
                   np.array([1, 7], dtype=np.uint16), [np.int64(1), np.int32(7)],
                   torch.tensor([1, 7]), (k for k in (1, 7))):
        out = integers(values, "indices")
        assert out == [1, 7] and all(type(k) is int for k in out), values
    assert integers([], "indices") == [] and integers(np.zeros(0, np.int64), "indices") == []


def test_client_calls_check_indices_and_integer_arguments_before_calling():
    with fgbg.Client(NOWHERE) as c:
        with pytest.raises(TypeError, match=r"^indices\[0\] must be an integer, got 1\.5"):
            c.get_samples([1.5, "7"])
        with pytest.raises(TypeError, match=r"^indices\[0\] must be an integer"):
            c.get_samples(np.array([1.0, 7.0]))
        with pytest.raises(TypeError, match=r"^indices must be a sequence of integers"):
            c.get_samples("17")
        with pytest.raises(TypeError, match=r"^seed must be an integer"):
            c.get_samples([1], seed=0.5)
        for name, value in (("batch_size", 64.0), ("start_batch", "1"), ("limit", True),
                            ("epoch", 1.0), ("seed", "0"), ("rank", 0.0), ("world_size", 2.0),
                            ("start_position", np.float32(3))):
            with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
                c.stream_epoch(**{name: value})
        for name in ("seed", "start", "end", "stride", "sample"):
            with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
                c.stats(**{name: 1.5})
            with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
                c.export("x", **{name: "3"})
            with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
                c.gallery(**{name: True})
        for name in ("shard_size", "jpeg_quality"):
            with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
                c.export("x", **{name: 90.0})
        with pytest.raises(TypeError, match=r"^count must be an integer"):
            c.gallery(count=8.0)
        with pytest.raises(TypeError, match=r"^indices\[1\] must be an integer"):
            c.gallery(indices=[0, 1.5])
    for name, value in (("rank", 1.5), ("ring_slots", 4.0), ("max_message_bytes", "1")):
        with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
            fgbg.Client(NOWHERE, **{name: value})
    fgbg.Client(NOWHERE, rank=np.int64(1), ring_slots=np.int32(4)).close()


def test_a_sample_of_zero_or_less_is_refused_naming_it_not_taken_as_all():
    """On the wire sample 0 means all samples; sample=0 asked for a subset of none and silently
    got all of them. Left out (None) is all; 0 or less is a ValueError before any call."""
    with fgbg.Client(NOWHERE) as c:
        for n in (0, -3, np.int64(0)):
            message = r"^sample=%d must be at least 1; leave it out \(None\) for all samples$" % n
            with pytest.raises(ValueError, match=message):
                c.stats(sample=n)
            with pytest.raises(ValueError, match=message):
                c.export("x", sample=n)
            with pytest.raises(ValueError, match=message):
                c.gallery(sample=n)


def test_world_size_zero_is_refused_not_taken_as_one():
    """On the wire world_size 0 means 1 (an unset field); world_size=0 from a user is a
    mistake and is a ValueError before any call, for a stream and a failover stream alike."""
    message = r"^world_size=0 must be at least 1 \(the number of ranks\)$"
    with fgbg.Client(NOWHERE) as c:
        with pytest.raises(ValueError, match=message):
            c.stream_epoch(world_size=0)
    with pytest.raises(ValueError, match=message):
        failover.stream_epoch(NOWHERE, world_size=0)
    with pytest.raises(ValueError, match=r"^world_size=-2 must be at least 1"):
        failover.stream_epoch(NOWHERE, world_size=np.int64(-2))


def test_failover_streams_and_resume_points_check_their_integers_when_made():
    for name, value in (("rank", 1.5), ("world_size", "2"), ("start_batch", 1.0),
                        ("limit", False), ("batch_size", 64.0), ("seed", "1"), ("epoch", 2.5),
                        ("start_position", True)):
        with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
            failover.stream_epoch(NOWHERE, **{name: value})
    s = failover.stream_epoch(NOWHERE, rank=np.int64(1), world_size=np.int64(2),
                              batch_size=np.int64(8), limit=np.uint32(16))
    assert type(s.rank) is int and s._request["batch_size"] == 8
    assert type(s._request["batch_size"]) is int
    with pytest.raises(TypeError, match=r"^start_batch must be an integer"):
        StreamPoint(1.5, 0)
    with pytest.raises(TypeError, match=r"^limit must be an integer"):
        StreamPoint(0, "8")
    with pytest.raises(TypeError, match=r"^samples must be an integer"):
        after(StreamPoint(), 1, 2.0)
    assert after(StreamPoint(2, 10), np.int64(1), np.int64(4)) == StreamPoint(3, 6)


def test_a_digest_takes_integer_indices_only():
    d = fgbg.SampleDigest()
    with pytest.raises(TypeError, match=r"^index must be an integer, got 1\.5"):
        d.add_sample(1.5, b"x")
    with pytest.raises(TypeError, match=r"^index must be an integer"):
        d.add_sample("1", b"x")
    d.add_sample(np.int64(3), b"x")
    e = fgbg.SampleDigest()
    e.add_sample(3, b"x")
    assert d.hex() == e.hex() and d.count == 1


def test_torch_datasets_check_their_integers_before_connecting():
    for name, value in (("batch_size", 64.0), ("seed", "0")):
        with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
            FgbgIterableDataset(NOWHERE, **{name: value})
    with pytest.raises(TypeError, match=r"^rank must be an integer"):
        FgbgIterableDataset(NOWHERE, rank=1.5, world_size=2)
    with pytest.raises(TypeError, match=r"^world_size must be an integer"):
        FgbgIterableDataset(NOWHERE, rank=1, world_size="2")
    with pytest.raises(TypeError, match=r"^seed must be an integer"):
        FgbgDataset(NOWHERE, seed=0.5)
    assert _world.own_view(np.int64(1), np.int64(2)) == _world.World(1, 2, "given")
    with pytest.raises(TypeError, match=r"^rank must be an integer"):
        _world.own_view(True, 2)
    for name, value in (("streams", 2.0), ("prefetch", "2")):
        with pytest.raises(TypeError, match=r"^%s must be an integer" % name):
            FgbgDeviceLoader(object(), **{name: value})


def test_integers_out_of_their_fields_range_name_the_argument_and_the_range():
    """protobuf's own check ("Value out of range: -1") names neither the argument nor the
    range; each request field's wire type gives its range, checked before any call."""
    u64 = r"it must be in \[0, 18446744073709551615\] \(a uint64 request field\)$"
    i32 = r"it must be in \[-2147483648, 2147483647\] \(an int32 request field\)$"
    i64 = (r"it must be in \[-9223372036854775808, 9223372036854775807\] "
           r"\(an int64 request field\)$")
    with fgbg.Client(NOWHERE) as c:
        for call, named, kind in (
                (lambda: c.get_samples([2 ** 63]), r"indices\[0\]=%d" % 2 ** 63, i64),
                (lambda: c.get_samples([0, -2 ** 64]), r"indices\[1\]=-%d" % 2 ** 64, i64),
                (lambda: c.get_samples([1], seed=-1), "seed=-1", u64),
                (lambda: c.get_samples([1], seed=2 ** 64), "seed=%d" % 2 ** 64, u64),
                (lambda: c.stream_epoch(epoch=-1), "epoch=-1", u64),
                (lambda: c.stream_epoch(batch_size=10 ** 12), "batch_size=%d" % 10 ** 12, i32),
                (lambda: c.stream_epoch(start_position=10 ** 20),
                 "start_position=%d" % 10 ** 20, i64),
                (lambda: c.stats(seed=np.int64(-5)), "seed=-5", u64),
                (lambda: c.export("x", jpeg_quality=2 ** 31), "jpeg_quality=%d" % 2 ** 31, i32),
                (lambda: c.gallery(indices=[2 ** 70]), r"indices\[0\]=%d" % 2 ** 70, i64)):
            with pytest.raises(ValueError, match="^%s is out of range: %s" % (named, kind)):
                call()
        # The ends of each range are taken (the server then says what it accepts).
        c.stream_epoch(seed=2 ** 64 - 1, epoch=np.uint64(2 ** 64 - 1), batch_size=2 ** 31 - 1,
                       start_position=-2 ** 63).close()
    with pytest.raises(ValueError, match="^seed=-1 is out of range: " + u64):
        failover.stream_epoch(NOWHERE, seed=-1)
    with pytest.raises(ValueError, match="^seed=-1 is out of range: " + u64):
        FgbgIterableDataset(NOWHERE, seed=-1)
    with pytest.raises(ValueError, match=r"^batch_size=%d is out of range: " % 2 ** 40 + i32):
        FgbgIterableDataset(NOWHERE, batch_size=2 ** 40)
    with pytest.raises(ValueError, match=r"^seed=%d is out of range: " % 2 ** 64 + u64):
        FgbgDataset(NOWHERE, seed=2 ** 64)
    with fgbg.Client(NOWHERE) as c, pytest.raises(TypeError, match=r"^dataset must be a str"):
        c.describe(7)  # type: ignore[arg-type]


def test_flags_seconds_names_targets_and_paths_are_checked_naming_the_argument():
    """One checker per kind (fgbg._checks): a flag is True or False, not "yes" or None (which
    a dataset whose default is shuffle=True took as no shuffle); seconds are a positive number;
    outputs a list, never one name split into letters; a target a str; a path a path."""
    flag = r"^%s must be True or False, got %s$"
    with fgbg.Client(NOWHERE) as c:
        for name, value, shown in (("shuffle", "yes", r"'yes' \(str\)"),
                                   ("drop_last", None, r"None \(NoneType\)"),
                                   ("shuffle", 1, r"1 \(int\)")):
            with pytest.raises(TypeError, match=flag % (name, shown)):
                c.stream_epoch(**{name: value})
        c.stream_epoch(shuffle=np.bool_(True)).close()
        with pytest.raises(TypeError, match=flag % ("overwrite", r"'no' \(str\)")):
            c.export("x", overwrite="no")
        with pytest.raises(TypeError, match=flag % ("backgrounds", r"None \(NoneType\)")):
            c.gallery(backgrounds=None)
        with pytest.raises(TypeError, match=r"^dataset must be a str, got 3 \(int\)$"):
            c.get_samples([1], dataset=3)  # None is the default, builtin
        with pytest.raises(TypeError, match=r"^destination must be a str, got None"):
            c.export(None)
        listed = r"^outputs must be a list of names such as \['image', 'mask'\], not 'image'$"
        with pytest.raises(TypeError, match=listed):
            c.get_samples([1], outputs="image")
        with pytest.raises(TypeError, match=r"^outputs\[1\] must be a str, got 3 \(int\)$"):
            c.stats(outputs=["image", 3])
    for kw, value in (("shuffle", None), ("shuffle", "yes"), ("drop_last", "no")):
        with pytest.raises(TypeError, match=r"^%s must be True or False" % kw):
            FgbgIterableDataset(NOWHERE, **{kw: value})
    for ds in (FgbgIterableDataset, FgbgDataset):
        with pytest.raises(TypeError, match=listed):
            ds(NOWHERE, outputs="image")
        with pytest.raises(TypeError, match=r"^dataset must be a str, got 7 \(int\)$"):
            ds(NOWHERE, dataset=7)
    for name, value in (("timeout", "30"), ("timeout", None), ("stream_timeout", True)):
        with pytest.raises(TypeError, match=r"^%s must be a number of seconds, got " % name):
            fgbg.Client(NOWHERE, **{name: value})
    for name, value in (("timeout", 0), ("timeout", -1.0), ("stream_timeout", float("inf")),
                        ("timeout", float("nan"))):
        with pytest.raises(ValueError, match=r"^%s must be a positive, finite number of seconds"
                           % name):
            fgbg.Client(NOWHERE, **{name: value})
    fgbg.Client(NOWHERE, timeout=np.float32(2.5), stream_timeout=60).close()
    for target in (41733, [NOWHERE, 7], b"127.0.0.1:1"):
        with pytest.raises(TypeError, match=r"^target must be a str such as 'host:port' \(or a "
                           r"list of them\), got "):
            fgbg.Client(target)
    with pytest.raises(TypeError, match=r"^path must be a path \(str or os.PathLike\), got None"):
        fgbg.exported(None)


def test_keepalive_shared_memory_pool_and_loader_arguments_are_named_when_wrong():
    """Each bad argument is refused by name before any call, not by a bare comparison error
    ("'<=' not supported") nor taken as a truth value."""
    for name, value, error in (("keepalive_time", "30", TypeError),
                               ("keepalive_timeout", None, TypeError),
                               ("keepalive_timeout", float("inf"), ValueError)):
        with pytest.raises(error, match=r"^%s must be a (positive, finite )?number of seconds"
                           % name):
            fgbg.Client(NOWHERE, **{name: value})
    with pytest.raises(TypeError, match=r"^keepalive_timeout must be a number of seconds"):
        fgbg.Client(NOWHERE, keepalive_time=0, keepalive_timeout="20")
    for off in (0, 0.0, np.int64(0)):
        fgbg.Client(NOWHERE, keepalive_time=off).close()
    with pytest.raises(TypeError, match=r"^keepalive_time must be a number of seconds"):
        fgbg.Client(NOWHERE, keepalive_time=False)
    fgbg.Client(NOWHERE, keepalive_time=np.float64(30), keepalive_timeout=np.int64(20)).close()
    flag = r"^shared_memory must be True or False, got 'yes' \(str\)$"
    with pytest.raises(TypeError, match=flag):
        fgbg.Client(NOWHERE, shared_memory="yes")
    with fgbg.Client(NOWHERE, shared_memory=np.bool_(False)) as c:
        assert c.shared_memory is False
        with pytest.raises(TypeError, match=flag):
            c.stream_epoch(shared_memory="yes")
    with pytest.raises(TypeError, match=r"^most must be an integer, got '3' \(str\)$"):
        shm.RingPool(most="3")
    with pytest.raises(ValueError, match=r"^most must be at least 1 .*, got 0$"):
        shm.RingPool(most=0)
    shm.RingPool(most=np.int64(3)).close()
    for name in ("streams", "prefetch"):
        with pytest.raises(ValueError, match=r"^%s must be at least 1, got 0$" % name):
            FgbgDeviceLoader(object(), **{name: 0})


def test_torch_datasets_refuse_a_bad_depth_dtype_by_name_before_connecting():
    """Not stored unchecked, to end as a bare KeyError ('float64') in a loader's worker."""
    for ds in (FgbgIterableDataset, FgbgDataset):
        for value in ("float64", None, 16):
            with pytest.raises(ValueError, match=r"^depth_dtype %s must be float16 or float32$"
                               % re.escape(repr(value))):
                ds(NOWHERE, depth_dtype=value)


def test_a_transform_that_is_not_callable_is_refused_by_every_dataset_when_made():
    for ds in (FgbgIterableDataset, FgbgDataset, ExportedDataset):
        with pytest.raises(TypeError, match=r"^transform must be callable, got 'flip'$"):
            ds(NOWHERE, transform="flip")
