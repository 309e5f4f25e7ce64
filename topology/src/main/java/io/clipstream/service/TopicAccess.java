package io.clipstream.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;

/**
 * Checks at start that the service may read its inputs and write its outputs. Kafka Streams treats an authorization
 * error on a send as fatal for the whole instance, before any exception handler sees the record, so a missing ACL on
 * one output topic would stop the service at its first record and again after every restart. Found here, it stops
 * the start with the topics and operations to grant instead. Brokers without an authorizer report no operations:
 * nothing to check then.
 */
final class TopicAccess {
    private static final long TIMEOUT_SECONDS = 30;

    private TopicAccess() {}

    /** The missing grants, as "READ on topic images" lines; empty when everything is allowed or unknown. */
    static List<String> missing(Admin admin, Collection<String> reads, Collection<String> writes) throws Exception {
        Set<String> topics = new LinkedHashSet<>(reads);
        topics.addAll(writes);
        Map<String, TopicDescription> described = admin.describeTopics(
                        topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> missing = new ArrayList<>();
        for (String topic : reads) {
            check(described.get(topic), AclOperation.READ, missing);
        }
        for (String topic : writes) {
            check(described.get(topic), AclOperation.WRITE, missing);
        }
        return missing;
    }

    private static void check(TopicDescription topic, AclOperation operation, List<String> missing) {
        Set<AclOperation> allowed = topic.authorizedOperations();
        if (allowed == null || allowed.isEmpty()) {
            return;
        }
        if (!allowed.contains(operation) && !allowed.contains(AclOperation.ALL)) {
            missing.add(operation + " on topic " + topic.name());
        }
    }
}
