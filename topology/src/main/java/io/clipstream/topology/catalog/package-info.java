/**
 * Step 2: the label table. {@link io.clipstream.topology.catalog.LabelEmbeddingLoader} keeps the global store equal
 * to the {@code label-embeddings} topic; {@link io.clipstream.topology.catalog.LabelCatalog} turns each complete
 * label set version in it into a {@link io.clipstream.topology.catalog.LabelMatrix} the image step (and the query
 * API) scores with.
 */
package io.clipstream.topology.catalog;
