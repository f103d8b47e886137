package io.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Connect worker as core sees it ({@link WorkerClient}), for the unit tier: it accepts every
 * config, or, once {@link #hang} is called, holds every validation until {@link #release} (as a
 * worker whose plugin waits on an unreachable database does).
 */
public final class TestWorker implements WorkerClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger validating = new AtomicInteger();

    public void hang() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** Validations under way now. */
    public int validating() {
        return validating.get();
    }

    @Override
    public String url() {
        return "http://worker.test:8083";
    }

    @Override
    public JsonNode root() {
        return JSON.createObjectNode().put("version", "test");
    }

    @Override
    public JsonNode plugins() {
        return JSON.createArrayNode();
    }

    @Override
    public String offsets(String name) {
        return "{\"offsets\":[]}";
    }

    @Override
    public List<String> activeTopics(String name) {
        return List.of();
    }

    @Override
    public JsonNode validate(String connectorClass, Map<String, String> config) {
        validating.incrementAndGet();
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new ConnectCallException("validation timed out", null);
            }
            return JSON.createObjectNode().put("name", connectorClass).put("error_count", 0).set("configs", JSON.createArrayNode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectCallException("interrupted", e);
        } finally {
            validating.decrementAndGet();
        }
    }

    @Override
    public Answer exchange(String method, String pathAndQuery, byte[] jsonBody) {
        if ("GET".equals(method) && pathAndQuery.equals("/connector-plugins?connectorsOnly=false")) {
            // The file connectors, in the worker's version, as a worker lists them.
            return new Answer(200, ("[{\"class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"type\":\"source\","
                    + "\"version\":\"4.3.1\"},{\"class\":\"org.apache.kafka.connect.file.FileStreamSinkConnector\","
                    + "\"type\":\"sink\",\"version\":\"4.3.1\"}]").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return new Answer(404, new byte[0]);
    }
}
