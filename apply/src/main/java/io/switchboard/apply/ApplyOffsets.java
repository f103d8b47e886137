package io.switchboard.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.apply.OffsetsOperations.Kind;
import io.switchboard.apply.OffsetsOperations.Operation;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/**
 * The offsets operations of {@code apply}, as Strimzi's annotation {@code strimzi.io/connector-offsets}
 * asks them of a {@code KafkaConnector} ({@link io.switchboard.apply.OffsetsOperations}): {@code list}
 * writes the connector's offsets (Kafka Connect's body, as the worker reports them) to the named
 * file; {@code alter} sends the file's offsets and {@code reset} resets them, each one decided change
 * ({@code PATCH}/{@code DELETE /connectors/{name}/offsets}: the connector must be stopped, as in
 * Strimzi). Carried out after the set's apply, in the files' order; with {@code --dry-run}, only
 * said. The first refusal stops the rest.
 */
final class ApplyOffsets {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest offsets file an alter reads: the server takes no larger body. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    private final PolicyPlan.Server server;
    private final PrintStream out;
    private final String base;

    ApplyOffsets(PolicyPlan.Server server, PrintStream out, String base) {
        this.server = server;
        this.out = out;
        this.base = base;
    }

    /** Answers {@link ApplyCommand#UNCHANGED}, {@link ApplyCommand#CHANGED} (offsets altered or reset) or {@link ApplyCommand#ERROR}. */
    int run(List<Operation> operations, boolean dryRun) throws IOException, InterruptedException {
        int status = ApplyCommand.UNCHANGED;
        for (Operation op : operations) {
            String what = op.kind().name().toLowerCase(Locale.ROOT);
            String connector = "connector " + op.connector() + " (cluster " + op.cluster() + ")";
            if (dryRun) {
                out.println("Dry run: would " + what + " the offsets of " + connector + (op.file() == null ? "" : " with " + op.file())
                        + " (" + op.origin() + ").");
                if (op.kind() != Kind.LIST) {
                    status = ApplyCommand.CHANGED;
                }
                continue;
            }
            String target = base + "/clusters/" + encode(op.cluster()) + "/connectors/" + encode(op.connector()) + "/offsets";
            HttpResponse<String> answer = switch (op.kind()) {
                case LIST -> server.send("GET", target, null);
                case ALTER -> server.send("PATCH", target, alterBody(op));
                case RESET -> server.send("DELETE", target, null);
            };
            if (answer.statusCode() >= 300) {
                out.println("error: " + what + " of the offsets of " + connector + " refused (" + answer.statusCode() + "): "
                        + message(answer));
                return ApplyCommand.ERROR;
            }
            switch (op.kind()) {
                case LIST -> {
                    Files.writeString(op.file(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(answer.body())) + "\n");
                    out.println("Wrote the offsets of " + connector + " to " + op.file() + ".");
                }
                case ALTER, RESET -> {
                    out.println((answer.statusCode() == 202 ? "Recorded: the worker makes it when it can: " : "")
                            + message(answer) + " (" + what + ", " + connector + ").");
                    status = ApplyCommand.CHANGED;
                }
            }
        }
        return status;
    }

    /** The file's offsets, as Kafka Connect's body. */
    private String alterBody(Operation op) throws IOException {
        if (!Files.isRegularFile(op.file())) {
            throw new IOException("alter: " + op.file() + " (" + op.origin() + ") does not exist: list the offsets to it first");
        }
        if (Files.size(op.file()) > MAX_FILE_BYTES) {
            throw new IOException("alter: " + op.file() + " is over " + MAX_FILE_BYTES + " bytes");
        }
        return Files.readString(op.file());
    }

    private static String message(HttpResponse<String> answer) {
        try {
            JsonNode json = JSON.readTree(answer.body());
            return json.path("message").asText(answer.body());
        } catch (IOException e) {
            return "the server answered with no JSON";
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
