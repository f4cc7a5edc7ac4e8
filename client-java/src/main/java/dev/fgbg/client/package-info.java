/**
 * The Java client: {@link dev.fgbg.client.FgbgClient} (builder, deadlines, inbound size limit),
 * {@link dev.fgbg.client.Batch}, the batch iterator over StreamEpoch, replicas with failover and
 * {@link dev.fgbg.client.StreamResume}, the rule by which an interrupted stream resumes.
 */
package dev.fgbg.client;
