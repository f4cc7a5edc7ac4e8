/**
 * Assets: loading, validating and preprocessing backgrounds and foregrounds from folders, and
 * the procedurally generated built-in world with exact depth.
 */
package dev.fgbg.core.assets;
