/**
 * Tools around the data: exact per-channel statistics over a range (parallel, cached per
 * fingerprint) and gallery grids (image | mask | depth per row).
 */
package dev.fgbg.core.stats;
