package io.clipstream.schemas.registry;

import org.apache.avro.Schema;

/** One version of a subject: the registry's answer to "latest" or "which version is this schema". */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {}
