/**
 * Tools around the data: exact per-channel statistics over a selection, with standard errors
 * over a random subset (parallel, cached per fingerprint), and gallery grids (image | mask |
 * depth per row).
 */
package dev.fgbg.core.stats;
