/**
 * Epochs as sources of rendered chunks: order, sharding and chunking from {@code sampling},
 * rendering from {@code render}, with cancellation. Transports only pull, map and send.
 */
package dev.fgbg.core.epoch;
