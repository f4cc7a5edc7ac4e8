/**
 * The fgbg.v1 wire API: generated messages and stubs, plus {@link dev.fgbg.v1.SampleDigest},
 * which server, exports and clients must compute identically.
 */
package dev.fgbg.v1;
