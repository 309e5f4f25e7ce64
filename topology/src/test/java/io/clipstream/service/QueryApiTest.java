package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.Classification;
import io.clipstream.schemas.LabelScore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the query API: the token check, query parsing, topK bounds and the JSON shapes. */
class QueryApiTest {
    @Test
    void withoutATokenEveryRequestIsAuthorized() {
        assertThat(new QueryApi("").authorized(null)).isTrue();
        assertThat(new QueryApi(null).authorized("Bearer anything")).isTrue();
    }

    @Test
    void withATokenOnlyTheExactBearerTokenIsAuthorized() {
        QueryApi api = new QueryApi("s3cret");
        assertThat(api.authorized("Bearer s3cret")).isTrue();
        assertThat(api.authorized("bearer s3cret")).isTrue(); // the scheme is case-insensitive
        assertThat(api.authorized("Bearer s3cret ")).isTrue();
        assertThat(api.authorized(null)).isFalse();
        assertThat(api.authorized("")).isFalse();
        assertThat(api.authorized("s3cret")).isFalse();
        assertThat(api.authorized("Basic s3cret")).isFalse();
        assertThat(api.authorized("Bearer s3cre")).isFalse();
        assertThat(api.authorized("Bearer s3cret2")).isFalse();
        assertThat(api.authorized("Bearer S3CRET")).isFalse();
        assertThat(api.authorized("Bearer ")).isFalse();
    }

    @Test
    void queryParametersAreDecodedAndDuplicatesRefused() {
        assertThat(QueryApi.query(null)).isEmpty();
        assertThat(QueryApi.query("labelSet=a%2Fb&topK=3&flag"))
                .isEqualTo(Map.of("labelSet", "a/b", "topK", "3", "flag", ""));
        assertThatThrownBy(() -> QueryApi.query("labelSet=a&labelSet=b"))
                .isInstanceOf(QueryApi.BadRequest.class)
                .hasMessageContaining("labelSet given twice");
        assertThatThrownBy(() -> QueryApi.query("labelSet=%zz")).isInstanceOf(QueryApi.BadRequest.class);
    }

    @Test
    void topKIsBoundedByTheLabelLimit() {
        assertThat(QueryApi.topK("1", 10)).isEqualTo(1);
        assertThat(QueryApi.topK("10", 10)).isEqualTo(10);
        for (String bad : List.of("0", "11", "-3", "two", "", "99999999999")) {
            assertThatThrownBy(() -> QueryApi.topK(bad, 10)).as(bad).isInstanceOf(QueryApi.BadRequest.class);
        }
    }

    @Test
    void aClassificationIsAvrosJsonEncodingWithTheRecordsFieldNames() {
        LabelScore cat = new LabelScore("cat \"tabby\"", 0.25f, 0.75f);
        Classification c = Classification.newBuilder()
                .setImageId("i")
                .setLabelSet("s")
                .setLabelSetVersion(2)
                .setModelId("m")
                .setTop(List.of(cat))
                .setFlagged(List.of())
                .setEventTime(Instant.ofEpochMilli(5))
                .setProcessingTime(Instant.ofEpochMilli(7))
                .setAttributes(Map.of("k", "v"))
                .build();
        assertThat(QueryApi.json(c))
                .isEqualTo("{\"imageId\":\"i\",\"labelSet\":\"s\",\"labelSetVersion\":2,"
                        + "\"modelId\":\"m\",\"top\":[{\"label\":\"cat \\\"tabby\\\"\",\"similarity\":0.25,\"probability\":0.75}],"
                        + "\"flagged\":[],\"eventTime\":5,\"processingTime\":7,\"attributes\":{\"k\":\"v\"}}");
    }

    @Test
    void aLabelSetListsItsLabelsOnlyWhenAskedForAlone() {
        LabelSetViews.View v = new LabelSetViews.View(
                "s",
                "ready",
                3,
                "m",
                null,
                List.of(new LabelSetViews.Label("a", 0.5f), new LabelSetViews.Label("b", null)),
                new LabelSetViews.Encoding(4, 10, 80));
        assertThat(QueryApi.view(v, false).toString())
                .isEqualTo("{\"id\":\"s\",\"state\":\"ready\",\"ready\":true,"
                        + "\"version\":3,\"modelId\":\"m\",\"topK\":null,\"labelCount\":2,"
                        + "\"encoding\":{\"version\":4,\"promptsEncoded\":10,\"prompts\":80}}");
        assertThat(QueryApi.view(v, true).toString())
                .contains("\"labels\":[{\"label\":\"a\",\"threshold\":0.5}," + "{\"label\":\"b\",\"threshold\":null}]");
    }
}
