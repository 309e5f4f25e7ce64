/**
 * What cannot be processed: {@link io.clipstream.topology.deadletters.DeadLetters} makes a dead letter (code, stage,
 * the original bytes cut to fit); the three Kafka Streams exception handlers write the dead letters of records that
 * fail outside the processors through {@link io.clipstream.topology.deadletters.DeadLetterWriter}.
 */
package io.clipstream.topology.deadletters;
