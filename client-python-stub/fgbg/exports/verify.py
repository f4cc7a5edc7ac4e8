"""Checks an export against its manifest, as the server's own re-verification does.

Per shard, the SHA-256 of each item it wrote (a sample's files, a tar shard, a range of an .npy
array) is recomputed and chained into the shard's files digest; where the stored outputs are
lossless, each sample's stream digest is recomputed too and summed per shard. Then the final
files (labels.csv, arrays) are checked against their recorded size and SHA-256. Every shard and
file is checked, and one error names each that differs (a missing file too), so that a repair
knows all it has to redo.
"""
import hashlib
from typing import Optional

from ..digest import SampleDigest
from .manifest import ExportError, FileRecord, Manifest, ShardRecord
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


SHOWN = 10  # damaged shards and files named in full in verify's error; the rest counted


def _reason(m: Manifest, e: ExportError) -> str:
    """A reader's error without its folder (the verify error names it once)."""
    text = str(e)
    return text[len(m.folder) + 2:] if text.startswith(m.folder + ": ") else text


def shard_damage(reader: Reader, shard: ShardRecord) -> Optional[str]:
    """What is wrong with `shard` on disk (a changed or missing file, samples that read back
    otherwise), or None when it matches the manifest."""
    m = reader.m
    where = "shard %s (indices %d:%d) does not match manifest.json" % (
        shard.name, shard.start, shard.end)
    try:
        found = files_digest(reader, shard)
        if found != shard.files_sha256:
            return "%s: its files hash to %s..., the manifest records %s... (a file was " \
                   "changed, truncated or replaced)" % (where, found[:16], shard.files_sha256[:16])
        got = shard_digest(reader, shard).hex() if m.exact else shard.digest
    except ExportError as e:
        return "%s: %s" % (where, _reason(m, e))
    if got != shard.digest:
        return "%s: its samples read back with digest %s..., the manifest records %s..." % (
            where, got[:16], shard.digest[:16])
    return None


def file_damage(reader: Reader, f: FileRecord) -> Optional[str]:
    """What is wrong with the final file `f` (labels.csv, an array), or None."""
    try:
        size, sha = reader.file_sha(f.path)
    except ExportError:
        return "%s, listed in manifest.json, is missing or unreadable" % f.path
    if size != f.bytes or sha.hex() != f.sha256:
        return "%s has %d bytes with SHA-256 %s...; the manifest records %d bytes, %s..." % (
            f.path, size, sha.hex()[:16], f.bytes, f.sha256[:16])
    return None


def verify(reader: Reader) -> None:
    """Raises one ExportError naming every damaged shard and file (the first SHOWN, then a
    count): a repair then knows all it has to redo, not only the first."""
    m: Manifest = reader.m
    shards = [d for d in (shard_damage(reader, s) for s in m.shards) if d is not None]
    files = [d for d in (file_damage(reader, f) for f in m.files) if d is not None]
    total = "0" * 64
    for shard in m.shards:
        total = SampleDigest.add_hex(total, shard.digest)
    sums = [] if total == m.digest else [
        "the shard digests add up to %s..., not the manifest's digest %s..."
        % (total[:16], m.digest[:16])]
    # The files first: a damaged array is the cause of its shards' damage, named after it.
    found = files + shards + sums
    if not found:
        return
    more = len(found) - SHOWN
    head = ("%d of %d shards and %d of %d files do not match manifest.json"
            % (len(shards), len(m.shards), len(files), len(m.files))
            if shards or files else "manifest.json does not add up (edited by hand?)")
    raise ExportError("%s: %s:\n  %s%s" % (m.folder, head, "\n  ".join(found[:SHOWN]),
                                           "\n  ... and %d more" % more if more > 0 else ""))
