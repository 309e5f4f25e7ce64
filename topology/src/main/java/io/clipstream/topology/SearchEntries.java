package io.clipstream.topology;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.LabelScore;
import io.clipstream.search.HalfVector;
import io.clipstream.search.SearchEntry;
import io.clipstream.search.SearchEntryCodec;
import io.clipstream.search.TopLabel;
import io.clipstream.topology.images.ClassifiedImage;
import java.util.List;

/**
 * What the searchable window keeps of a classified image: its id, times, label set, top labels and attributes from
 * the classification, and its unit embedding in half precision. An image without an embedding, or whose entry would not fit
 * in a changelog record, is not kept (it is still classified).
 */
final class SearchEntries {
    private SearchEntries() {}

    static SearchEntry of(ClassifiedImage image, int maxEntryBytes) {
        if (image.embedding() == null) {
            return null;
        }
        Classification c = image.classification();
        List<Float> unit = image.embedding().getEmbedding();
        float[] vector = new float[unit.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = unit.get(i);
        }
        List<TopLabel> top = c.getTop().stream()
                .map((LabelScore s) -> new TopLabel(s.getLabel(), s.getSimilarity(), s.getProbability()))
                .toList();
        SearchEntry entry = new SearchEntry(
                c.getImageId(),
                c.getEventTime().toEpochMilli(),
                c.getProcessingTime().toEpochMilli(),
                c.getLabelSet(),
                top,
                c.getAttributes(),
                HalfVector.of(vector));
        return SearchEntryCodec.encodedSize(entry) <= maxEntryBytes ? entry : null;
    }
}
