package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.core.ConnectorStore;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorState;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The pipelines as their connectors keep them: the spec and run in the source connector's config,
 * the passwords sealed in both connectors' configs; opened (their passwords unsealed) only to
 * connect to the databases. Ids and run ids, and the rule for a valid id. Reads are linearizable
 * ({@link ReadConsistency#LINEARIZABLE}) unless a request's consistency is given.
 */
final class StoredPipelines {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ConnectorStore queries;
    private final ConnectorSecrets secrets;
    private final Scope scope;
    private final Clock clock;

    StoredPipelines(ConnectorStore queries, ConnectorSecrets secrets, Scope scope, Clock clock) {
        this.queries = queries;
        this.secrets = secrets;
        this.scope = scope;
        this.clock = clock;
    }

    /** The stored pipeline, its passwords the sealed text its connectors keep. */
    Optional<PipelineSpec> stored(String id) {
        return stored(id, ReadConsistency.LINEARIZABLE);
    }

    Optional<PipelineSpec> stored(String id, ReadConsistency consistency) {
        Optional<ConnectorState> source = state(PipelineCompiler.sourceName(id), consistency);
        Optional<ConnectorState> sink = state(PipelineCompiler.sinkName(id), consistency);
        if (source.isEmpty() || sink.isEmpty() || source.get().getConfig().get(PipelineCompiler.PIPELINE_SPEC) == null) {
            return Optional.empty();
        }
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(source.get().getConfig().get(PipelineCompiler.PIPELINE_SPEC));
            // The stored shape hides its passwords; its connectors keep them sealed.
            withPassword(json, "source", source.get().getConfig().get("database.password"));
            withPassword(json, "sink", sink.get().getConfig().get("connection.password"));
            return Optional.of(PipelineSpec.parse(id, json, null));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The stored pipeline " + id + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void withPassword(ObjectNode json, String side, String sealed) {
        if (json.path(side).path("postgres").path("connection") instanceof ObjectNode connection && sealed != null) {
            connection.put("password", sealed);
        }
    }

    /** The ids of every pipeline, in the order their source connectors are stored. */
    List<String> ids() {
        return ids(ReadConsistency.LINEARIZABLE);
    }

    List<String> ids(ReadConsistency consistency) {
        List<String> ids = new ArrayList<>();
        for (ConnectorState state : queries.connectors(scope.cluster(), consistency)) {
            String id = state.getConfig().get(PipelineCompiler.PIPELINE_ID);
            if (id != null && state.getName().equals(PipelineCompiler.sourceName(id))) {
                ids.add(id);
            }
        }
        return ids;
    }

    Optional<ConnectorState> state(String name) {
        return state(name, ReadConsistency.LINEARIZABLE);
    }

    Optional<ConnectorState> state(String name, ReadConsistency consistency) {
        return queries.connector(new ConnectorKey(scope.cluster(), name), consistency);
    }

    long runStarted(String id) {
        return state(PipelineCompiler.sourceName(id)).map(s -> s.getConfig().get(PipelineCompiler.PIPELINE_RUN_STARTED))
                .map(Long::parseLong).orElse(clock.millis());
    }

    String runId(String id) {
        return state(PipelineCompiler.sourceName(id)).map(s -> s.getConfig().get(PipelineCompiler.PIPELINE_RUN)).orElse(newRunId());
    }

    /** The pipeline with sealed passwords (kept from a stored one) opened, to connect with. */
    PipelineSpec opened(PipelineSpec spec) {
        return new PipelineSpec(spec.id(), spec.name(), spec.disabled(), opened(spec.source()), spec.publication(), spec.skipSnapshots(),
                opened(spec.sink()), spec.targetSchema(), spec.limits(), spec.json(), spec.snapshotOnly(), spec.schedule());
    }

    PostgresConnection opened(PostgresConnection c) {
        String password = secrets.openWherePossible(Map.of("password", c.password())).get("password");
        return new PostgresConnection(c.host(), c.port(), c.user(), password, c.database(), c.sslMode());
    }

    static PipelineSpec withDisabled(PipelineSpec spec, boolean disabled) {
        ObjectNode json = spec.json().deepCopy();
        json.put("disabled", disabled);
        return new PipelineSpec(spec.id(), spec.name(), disabled, spec.source(), spec.publication(), spec.skipSnapshots(), spec.sink(),
                spec.targetSchema(), spec.limits(), json, spec.snapshotOnly(), spec.schedule());
    }

    /** Pipeline ids: 12 lowercase letters and digits, so that connector, slot and topic names stay valid. */
    static String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder("p");
        for (int i = 0; i < 11; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    static String newRunId() {
        return UUID.randomUUID().toString();
    }

    static void requireId(String id) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new ServiceException.InvalidRequest("id", "A pipeline id is 1 to 63 lowercase letters, digits and '-', starting with a letter or digit");
        }
    }

    static ServiceException.NotFound notFound(String id) {
        return new ServiceException.NotFound(ServiceException.Subject.PIPELINE, id, null, ServiceException.Operation.READ);
    }
}
