/**
 * The fgbg.v1 service over gRPC: the server that owns start and stop and wires the other
 * packages, the calls (streams, replies, Stats, Export, Gallery), the one place where exceptions
 * become statuses, and proto mapping. Transport, admission, stop and logging are packages of
 * their own; this one composes them, so only its entry points are public.
 */
package dev.fgbg.server.rpc;
