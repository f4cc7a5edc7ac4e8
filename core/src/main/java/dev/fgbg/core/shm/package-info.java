/**
 * Same-host delivery through shared memory, free of any transport: a client's ring of slots in
 * a file under {@code /dev/shm} ({@link dev.fgbg.core.shm.SharedRing}: validation, the nonce
 * handshake, slot states, rendered batches copied into a slot whole or run by run), the offer
 * that names it ({@link dev.fgbg.core.shm.RingOffer}), rings a client keeps (GetSamples rings,
 * stream rings offered with keep) mapped between its calls
 * ({@link dev.fgbg.core.shm.KeptRings}), why one is refused
 * ({@link dev.fgbg.core.shm.RingRefusedException}), and the sweep of rings left by dead clients
 * ({@link dev.fgbg.core.shm.RingReaper}). The file layout is in
 * {@code fgbg.proto}'s SharedMemoryOffer.
 */
package dev.fgbg.core.shm;
