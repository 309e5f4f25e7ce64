package io.clipstream.search;

/** One of an image's best labels as its classification scored it. */
public record TopLabel(String label, float similarity, float probability) {}
