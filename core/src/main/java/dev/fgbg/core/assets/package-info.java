/**
 * Assets: loading, validating and preprocessing backgrounds and foregrounds from folders, and
 * {@link dev.fgbg.core.assets.BuiltinWorld}, the entry to the procedurally generated built-in
 * world with exact depth (generated in the {@code builtin} sub-package).
 */
package dev.fgbg.core.assets;
