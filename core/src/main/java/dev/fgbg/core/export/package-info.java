/**
 * Materializing samples to disk: formats (folders, zip, webdataset, npy, coco), shard plans,
 * encoders, the manifest, resume and verification, and confinement to the export root. Knows
 * nothing of any transport; the grpc package drives it.
 */
package dev.fgbg.core.export;
