package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;

/** One Server-Sent Event as the client read it. */
record Sse(String id, String event, JsonNode data) {
}
