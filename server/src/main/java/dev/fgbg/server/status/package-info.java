/**
 * What a call ends with, for every other package: the one place exceptions become statuses and
 * the statuses the server makes itself, the stop's own failure, and the fatal errors that end
 * the process instead. A package of its own so that transport, admission and stop use it
 * without depending on the service.
 */
package dev.fgbg.server.status;
