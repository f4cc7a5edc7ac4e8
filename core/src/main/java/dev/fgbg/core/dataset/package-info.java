/**
 * A named dataset (assets + spec + fingerprint) that renders sample i for a seed, and the
 * registry of datasets a server holds.
 */
package dev.fgbg.core.dataset;
