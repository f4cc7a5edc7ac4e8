/**
 * Rendering runs of samples into contiguous batch arrays, with teacher depth composed in
 * asynchronously so that no render worker waits on a model.
 */
package dev.fgbg.core.render;
