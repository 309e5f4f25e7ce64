/**
 * The Kafka Streams topology, wired in one place: {@link io.clipstream.topology.ClipstreamTopology} reads as the data
 * flow, step by step, and {@link io.clipstream.topology.ClipstreamApp} runs it. Each step's classes live in a package
 * of their own:
 * <ol>
 *   <li>{@code labelsets}: label sets through the text tower into label embeddings;</li>
 *   <li>{@code catalog}: label embeddings into the global store and the matrices the classifier scores with;</li>
 *   <li>{@code images}: images buffered, prepared, batched through the image tower and answered;</li>
 *   <li>{@code deadletters}: what cannot be processed, as a dead letter with a code.</li>
 * </ol>
 * This package holds what the steps share: the settings, the serdes, the record an input was ({@code InputRecord},
 * read again through a {@code SourceReader}), the size rules ({@code RecordLimits}), a step's typed result
 * ({@code Outcome}), the metrics and the encoders that stand for the model.
 */
package io.clipstream.topology;
