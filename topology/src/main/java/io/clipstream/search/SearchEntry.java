package io.clipstream.search;

import java.util.List;
import java.util.Map;

/**
 * One image in the window: what a search answers about it and its vector.
 *
 * @param id         the image id
 * @param eventTime  the image's event time (epoch ms)
 * @param enteredMs  when it was classified (epoch ms): retention counts from here
 * @param labelSet   the label set it was classified with
 * @param top        its best labels, best first
 * @param attributes the input's attributes
 * @param vector     its unit embedding in half precision, as the store keeps it (null in the window's copy: the
 *                   window holds an int8 copy in its scan arrays)
 */
public record SearchEntry(
        String id,
        long eventTime,
        long enteredMs,
        String labelSet,
        List<TopLabel> top,
        Map<String, String> attributes,
        HalfVector vector) {
    public SearchEntry {
        top = List.copyOf(top);
        attributes = Map.copyOf(attributes);
    }

    SearchEntry withoutVector() {
        return new SearchEntry(id, eventTime, enteredMs, labelSet, top, attributes, null);
    }
}
