"""get_samples' bound on its joined answer (fgbg._split_get.check_size): a list whose samples
would take more than `max_bytes` in the client is refused before any GetSamples call. A tester's
get_samples(range(1_000_000)) grew the client to 5.6 GB (of the 294 GB it would have taken) with
no word, since `timeout` bounds each call of the split, not the whole."""
import pickle
import re
import urllib.request

import numpy as np
import pytest

import fgbg
from conftest import N, SMALL, Server
from fgbg import _sample_bytes
from fgbg._sizes import size_words
from fgbg._split_get import MAX_BYTES, check_size, max_bytes_arg
from test_sample_bytes import BUILTIN

# 224 x 224 image, mask and float16 depth: 294 KiB a sample.
EACH = 150528 + 50176 + 100352


def test_a_million_builtin_samples_are_refused_in_words_naming_what_to_do_instead():
    per = _sample_bytes.per_output(BUILTIN, None, "float16")
    with pytest.raises(fgbg.AnswerTooLargeError) as e:
        check_size(1_000_000, per, MAX_BYTES, "builtin", "localhost:50051")
    assert isinstance(e.value, fgbg.FgbgError) and isinstance(e.value, ValueError)
    assert e.value.code == "INVALID_ARGUMENT" and e.value.target == "localhost:50051"
    assert str(e.value) == (
        "INVALID_ARGUMENT: get_samples of 1000000 samples of dataset 'builtin' (image, mask, "
        "depth: 301056 bytes a sample) would take 280.4 GiB in this process, over "
        "max_bytes=2147483648 (2.0 GiB); refused before any GetSamples call. Stream a whole "
        "dataset instead (Client.stream_epoch, or fgbg.torch's FgbgIterableDataset or "
        "FgbgDataset in a DataLoader), ask for slices of the list (at most 7133 samples each at "
        "this bound), or raise max_bytes= where this process has the memory")
    again = pickle.loads(pickle.dumps(e.value))  # as a DataLoader worker hands it back
    assert type(again) is fgbg.AnswerTooLargeError and str(again) == str(e.value)


def test_the_bound_is_the_arrays_bytes_of_the_outputs_asked_for():
    per = _sample_bytes.per_output(BUILTIN, None, "float16")
    assert MAX_BYTES == 2 << 30 and sum(per.values()) == EACH
    fit = MAX_BYTES // EACH
    check_size(fit, per, MAX_BYTES, "builtin", "t")  # at the bound: taken
    with pytest.raises(fgbg.AnswerTooLargeError):
        check_size(fit + 1, per, MAX_BYTES, "builtin", "t")
    # float32 depth and backgrounds take more; images alone less.
    every = _sample_bytes.per_output(BUILTIN, list(_sample_bytes.ORDER), "float32")
    with pytest.raises(fgbg.AnswerTooLargeError, match="802816 bytes a sample"):
        check_size(fit, every, MAX_BYTES, "builtin", "t")
    check_size(MAX_BYTES // 150528, _sample_bytes.per_output(BUILTIN, ["image"], "float16"),
               MAX_BYTES, "builtin", "t")
    # Meta alone has no arrays: any list.
    check_size(10 ** 9, _sample_bytes.per_output(BUILTIN, ["meta"], "float16"), MAX_BYTES,
               "builtin", "t")
    with pytest.raises(fgbg.AnswerTooLargeError, match="ask for fewer samples"):
        check_size(1, per, EACH - 1, "builtin", "t")
    with pytest.raises(ValueError, match="max_bytes=0 must be at least 1"):
        max_bytes_arg(0)
    assert [size_words(n) for n in (512, 3 << 10, 5 << 20, 3 << 30)] == [
        "512 bytes", "3.0 KiB", "5.0 MiB", "3.0 GiB"]


@pytest.fixture(scope="module")
def metered():
    """A small built-in dataset's server with its Prometheus endpoint on."""
    s = Server(SMALL + ["--metrics-port", "0"])
    port = re.search(r"Prometheus metrics on (http://[^ ]+/metrics)", "".join(s.log))
    s.metrics = port.group(1)
    yield s
    s.stop()


def get_samples_calls(server):
    """GetSamples calls that reached `server`: replies rendered and calls refused."""
    with urllib.request.urlopen(server.metrics, timeout=10) as r:
        text = r.read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if re.match(r'(fgbg_render_seconds_count|fgbg_requests_rejected_total)\{'
                           r'[^}]*method="GetSamples"', line))


@pytest.mark.parametrize("shared_memory", [False, True])
def test_a_list_over_max_bytes_never_reaches_the_server_and_one_at_it_is_served(metered,
                                                                               shared_memory):
    with fgbg.Client(metered.target, shared_memory=shared_memory) as c:
        info = c.describe()
        each = sum(_sample_bytes.per_output(info, None, "float16").values())
        wanted = [(7 * i + 3) % N for i in range(2 * info.max_get_samples + 5)]  # 3 calls
        bound = len(wanted) * each
        calls = get_samples_calls(metered)
        with pytest.raises(fgbg.AnswerTooLargeError) as e:
            c.get_samples(wanted, max_bytes=bound - 1)
        assert "get_samples of %d samples of dataset 'builtin'" % len(wanted) in str(e.value)
        assert "over max_bytes=%d" % (bound - 1) in str(e.value)
        with pytest.raises(fgbg.AnswerTooLargeError):
            c.get_samples([0, 1], max_bytes=each)  # within one call: refused too
        assert get_samples_calls(metered) == calls, "a refused list reached the server"
        whole = c.get_samples(wanted, max_bytes=bound)
        assert list(whole.indices) == wanted
        assert get_samples_calls(metered) == calls + 3
        # Outputs asked for by name are counted: the image alone fits where all three did not.
        images = c.get_samples(wanted, outputs=["image"], max_bytes=bound - 1)
        assert np.array_equal(images.images, whole.images)
        with pytest.raises(TypeError, match="max_bytes must be an integer"):
            c.get_samples([0], dataset="nope", max_bytes=1.5)  # before describing it
        with pytest.raises(ValueError, match="max_bytes=0 must be at least 1"):
            c.get_samples([0], dataset="nope", max_bytes=0)


def test_the_map_style_dataset_holds_a_list_to_the_same_bound(metered):
    from fgbg.torch import FgbgDataset

    ds = FgbgDataset(metered.target)
    each = sum(_sample_bytes.per_output(ds.info, ds.outputs, ds.depth_dtype).values())
    calls = get_samples_calls(metered)
    with pytest.raises(fgbg.AnswerTooLargeError, match="over max_bytes=%d" % MAX_BYTES):
        ds.__getitems__([0] * (MAX_BYTES // each + 1))
    assert get_samples_calls(metered) == calls, "a refused list reached the server"
    assert len(ds.__getitems__([0, 1])) == 2
