package io.switchboard.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.UncheckedIOException;

import java.util.Map;

/** YAML to maps and back (Jackson, as fabric8 brings it). */
final class Yaml {
    private static final ObjectMapper MAPPER = YAMLMapper.builder().build();

    private Yaml() {
    }

    static Map<String, Object> map(String yaml) {
        try {
            Map<String, Object> map = MAPPER.readValue(yaml, new TypeReference<Map<String, Object>>() { });
            return map == null ? Map.of() : map;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String dump(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
