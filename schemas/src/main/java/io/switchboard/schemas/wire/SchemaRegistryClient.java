package io.switchboard.schemas.wire;

import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible Schema Registry that serialisation needs.
 * Every method throws {@link SchemaRegistryException} when the registry refuses or cannot be reached.
 */
public interface SchemaRegistryClient {

    /** Registers the schema under the subject (or finds it there) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** Whether the schema may be registered under the subject, by the subject's compatibility level. */
    boolean testCompatibility(String subject, Schema schema);
}
