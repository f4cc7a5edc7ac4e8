/**
 * What a call ends with, for every other package: the one place exceptions become statuses and
 * the statuses the server makes itself, the stop's own failure, the fatal errors that end the
 * process instead, and what an interceptor holds for a call, given back once when it ends
 * ({@code HeldByCall}). A package of its own so that transport, admission, stop and observe use
 * it without depending on the service.
 */
package dev.fgbg.server.status;
