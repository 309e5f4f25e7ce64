package io.clipstream.service;

import io.clipstream.search.SearchHit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The other instances of the application, as a search asks them: their part of a search, or an image's vector. */
public interface Peers {
    /** No other instance (no {@code application.server}): searches answer from this instance alone. */
    Peers NONE = new Peers() {
        @Override
        public List<Answer> search(float[] vector, SearchBackend.Filter filter, String excludeId) {
            return List.of();
        }

        @Override
        public Optional<float[]> vectorOf(String imageId) {
            return Optional.empty();
        }
    };

    /** What one instance answered: its best images and the partitions whose windows it searched. */
    record Answer(List<SearchHit> hits, Set<Integer> partitions) {}

    /** Every other instance's best images for {@code vector}; an instance that did not answer in time is left out. */
    List<Answer> search(float[] vector, SearchBackend.Filter filter, String excludeId) throws InterruptedException;

    /** The vector of an image held by another instance's window, if that instance answers and holds it. */
    Optional<float[]> vectorOf(String imageId) throws InterruptedException;
}
