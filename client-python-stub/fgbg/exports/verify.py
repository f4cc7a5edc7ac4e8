"""Checks an export against its manifest, as the server's own re-verification does.

Per shard, the SHA-256 of each item it wrote (a sample's files, a tar shard, a range of an .npy
array) is recomputed and chained into the shard's files digest; where the stored outputs are
lossless, each sample's stream digest is recomputed too and summed per shard. Then the final
files (labels.csv, arrays) are checked against their recorded size and SHA-256.
"""
import hashlib

from ..digest import SampleDigest
from .manifest import ExportError, Manifest, ShardRecord
from .readers import Reader, sample_bytes


def files_digest(reader: Reader, shard: ShardRecord) -> str:
    """The manifest's files_sha256 of `shard`, from the bytes on disk."""
    chain = hashlib.sha256()
    for path, size, content_sha in reader.items(shard):
        chain.update(("%s\n%d\n" % (path, size)).encode("utf-8"))
        chain.update(content_sha)
    return chain.hexdigest()


def shard_digest(reader: Reader, shard: ShardRecord) -> SampleDigest:
    """The stream digest of `shard`'s samples as read back (exact only for lossless exports)."""
    d = SampleDigest()
    for i in reader.positions(shard):
        d.add_sample(int(reader.labels.index[i]), *sample_bytes(reader.sample(i)))
    return d


def verify(reader: Reader) -> None:
    m: Manifest = reader.m
    for shard in m.shards:
        found = files_digest(reader, shard)
        if found != shard.files_sha256:
            raise ExportError("%s: shard %s (indices %d:%d) does not match manifest.json: its "
                              "files hash to %s..., the manifest records %s... (a file was "
                              "changed, truncated or replaced)" % (
                                  m.folder, shard.name, shard.start, shard.end, found[:16],
                                  shard.files_sha256[:16]))
        if m.exact:
            got = shard_digest(reader, shard).hex()
            if got != shard.digest:
                raise ExportError("%s: the samples of shard %s (indices %d:%d) read back with "
                                  "digest %s..., the manifest records %s..." % (
                                      m.folder, shard.name, shard.start, shard.end, got[:16],
                                      shard.digest[:16]))
    for f in m.files:
        try:
            size, sha = reader.file_sha(f.path)
        except ExportError:
            raise ExportError("%s: %s, listed in manifest.json, is missing or unreadable"
                              % (m.folder, f.path)) from None
        if size != f.bytes or sha.hex() != f.sha256:
            raise ExportError("%s: %s has %d bytes with SHA-256 %s...; the manifest records %d "
                              "bytes, %s..." % (m.folder, f.path, size, sha.hex()[:16], f.bytes,
                                                f.sha256[:16]))
    total = "0" * 64
    for shard in m.shards:
        total = SampleDigest.add_hex(total, shard.digest)
    if total != m.digest:
        raise ExportError("%s: the shard digests add up to %s..., not the manifest's digest %s..."
                          % (m.folder, total[:16], m.digest[:16]))
