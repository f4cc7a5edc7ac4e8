"""One figure of bytes per sample per output (fgbg._sample_bytes): what a ring's slot and a
DataLoader's batch in /dev/shm are both sized from, and what the server writes into a slot."""
from types import SimpleNamespace

import numpy as np

import fgbg
from fgbg import _sample_bytes, shm
from fgbg.torch import _shm_need

# The built-in dataset (224 x 224, depth built in) and a 48 x 64 one with depth.
BUILTIN = SimpleNamespace(image_shape=(224, 224, 3), mask_shape=(224, 224), has_depth=True,
                          depth_shape=(224, 224))
SCENE = SimpleNamespace(image_shape=(48, 64, 3), mask_shape=(48, 64), has_depth=True,
                        depth_shape=(48, 64))
FLAT = SimpleNamespace(image_shape=(48, 64, 3), mask_shape=(48, 64), has_depth=False,
                       depth_shape=())


def test_the_builtin_datasets_outputs():
    assert _sample_bytes.per_output(BUILTIN, None, "float16") == {
        "image": 150528, "mask": 50176, "depth": 100352, "instances": 0, "background": 0,
        "background_depth": 0}
    every = _sample_bytes.per_output(BUILTIN, list(_sample_bytes.ORDER), "float32")
    assert every == {"image": 150528, "mask": 50176, "depth": 200704, "instances": 50176,
                     "background": 150528, "background_depth": 200704}
    # A ring's slot of 64: each array on a 64-byte boundary, the slot a whole page.
    assert shm.slot_bytes(64, *_sample_bytes.per_output(BUILTIN, [], "float16").values()) \
        == 64 * (150528 + 50176 + 100352)


def test_a_dataset_with_depth_and_instances():
    per = _sample_bytes.per_output(SCENE, ["image", "depth", "instances", "meta"], "float32")
    assert per == {"image": 9216, "mask": 0, "depth": 12288, "instances": 3072,
                   "background": 0, "background_depth": 0}
    # 3 samples: 27648 + 36864 + 9216 bytes, each a multiple of 64; 73728 is 18 pages.
    assert shm.slot_bytes(3, *per.values()) == 73728
    # Without depth in the dataset, depth takes nothing even when asked for by name.
    nothing = dict.fromkeys(_sample_bytes.ORDER, 0)
    assert _sample_bytes.per_output(FLAT, ["depth", "background_depth"], "float32") == nothing


def test_torchs_batch_is_the_same_figure_with_images_as_converted():
    served = _sample_bytes.per_output(SCENE, ["image", "depth", "background"], "float16")
    assert _shm_need.as_torch(served, "uint8") == served
    floats = _shm_need.as_torch(served, "float")
    assert floats == dict(served, image=4 * 9216, background=4 * 9216)
    # 10 samples: image and background 360 KiB each (90 pages), depth 60 KiB (15 pages), plus
    # a page for each of meta's 13 columns and the index.
    assert _shm_need.batch_bytes(SCENE, ["image", "depth", "background"], "float16", "float",
                                 10) == (90 + 90 + 15 + 14) * 4096


def test_the_rings_slot_is_what_the_server_writes_into_it(server):
    outputs = ["image", "mask", "depth", "instances"]
    with fgbg.Client(server.target) as c:
        per = _sample_bytes.per_output(c.describe(), outputs, "float32")
        for n, batch in ((24, next(c.stream_epoch(batch_size=24, outputs=outputs,
                                                  depth_dtype="float32"))),
                         (3, c.get_samples([4, 1, 7], outputs=outputs, depth_dtype="float32"))):
            assert batch.shared_memory
            # The arrays the server wrote, each at its offset in the slot, end where the
            # client's figure (before the page it is rounded up to) ends.
            ends = [off + length for _, off, length in batch.buffers.values()]
            assert shm.align(max(ends)) == sum(shm.align(n * b) for b in per.values()), n
            for name, b in (("images", per["image"]), ("depth", per["depth"]),
                            ("instances", per["instances"])):
                assert getattr(batch, name).nbytes == n * b, name
            assert np.asarray(batch.depth).dtype == np.float32
            batch.release()


def test_the_one_depth_dtype_table_matches_the_stubs():
    """fgbg._dtypes (read without the stubs, by DatasetInfo) numbers the dtypes as the wire
    does; a request, a batch and a DatasetInfo all name them from it."""
    from fgbg import _dtypes, _requests
    from fgbg._proto import pb

    assert _requests.DTYPES == {"float16": pb.DEPTH_DTYPE_FLOAT16,
                                "float32": pb.DEPTH_DTYPE_FLOAT32}
    assert [_requests.dtype_name(e) for e in (0, 1, 2)] == ["float16", "float16", "float32"]
    assert _dtypes.depth_dtype_name(pb.DEPTH_DTYPE_UNSPECIFIED) == "float16"
