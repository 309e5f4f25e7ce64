package io.clipstream.topology.images;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.ImageEmbedding;

/** A classified image: its classification and, when embeddings are emitted, its normalised embedding (else null). */
public record ClassifiedImage(Classification classification, ImageEmbedding embedding) {}
