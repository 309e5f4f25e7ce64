package io.clipstream.search;

/** Integer dot products of one int8 query with many int8 vectors laid end to end. */
public interface DotKernel {

    /** {@code sum(query[i] * vectors[offset + i])} over the query's length; exact (int8 × int8 × 512 fits an int). */
    int dot(byte[] query, byte[] vectors, int offset);

    /** What the kernel runs on, for logs and the benchmark. */
    String name();
}
