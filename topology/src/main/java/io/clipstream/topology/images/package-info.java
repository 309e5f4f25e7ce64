/**
 * Step 3: the image step. {@link io.clipstream.topology.images.ImageClassifier} buffers each image
 * ({@code ImageBuffer}), prepares it ({@code ImagePreparer}, {@code fetch}), batches it ({@code BatchPolicy},
 * {@code ImageBatch}), runs the image tower ({@code TowerRunner} on {@code TowerThreads}) and answers it with a
 * classification ({@code ImageAnswers}, {@code Classifications}) or a dead letter.
 */
package io.clipstream.topology.images;
