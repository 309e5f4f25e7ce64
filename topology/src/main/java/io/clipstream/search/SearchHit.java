package io.clipstream.search;

/** One result: an image of the window and its cosine similarity with the query (from the int8 vectors). */
public record SearchHit(SearchEntry entry, float score) {}
