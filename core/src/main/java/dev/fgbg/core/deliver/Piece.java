package dev.fgbg.core.deliver;

/**
 * One piece of a delivery: the samples one message, slot write or unit of work carries. It is
 * chunk {@code chunkIndex} of {@code chunkCount} of batch {@code batch}, holds the plan's local
 * samples {@code [local, local + count)}, whose dataset indices are {@code indices} and whose
 * first sample sits at {@code firstPosition} of the order the plan walks.
 *
 * @param seq the piece's number in its delivery (0, 1, …): pieces are delivered in this order
 */
public record Piece(long seq, long batch, int chunkIndex, int chunkCount, long local, int count,
    long firstPosition, long[] indices) {}
