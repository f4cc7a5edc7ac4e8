/**
 * The Java client: {@link dev.fgbg.client.FgbgClient} (builder, deadlines, inbound size limit),
 * {@link dev.fgbg.client.Batch} and the batch iterator over StreamEpoch.
 */
package dev.fgbg.client;
