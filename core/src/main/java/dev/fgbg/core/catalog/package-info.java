/**
 * From configuration to datasets: the built-in world's settings, folder dataset configs (flags
 * or a JSON file), spec parsing, and the depth model each dataset names.
 */
package dev.fgbg.core.catalog;
