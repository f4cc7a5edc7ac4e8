/**
 * Which calls run and what they may hold: the load options, the admissions, stream caps and
 * budget built from them, the bytes a GetSamples reply takes, and the calls and streams whose
 * clients stopped reading, with the cancellable context that ends them. The core's load package
 * holds the transport-free parts.
 */
package dev.fgbg.server.admission;
