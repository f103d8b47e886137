package io.switchboard.schemas.registry;

import io.switchboard.schemas.kafka.TestKafka;
import org.junit.jupiter.api.Test;

class SlashProbeTest {
    @Test
    void probe() {
        try (EmbeddedSchemaRegistry r = new EmbeddedSchemaRegistry(TestKafka.shared().bootstrapServers(), "_probe", "127.0.0.1", 0).start()) {
            RegistryHttp http = new RegistryHttp(r.url());
            System.out.println("PROBE1 " + http.post("/subjects/a%2Fb/versions", RegistryHttp.schemaBody("\"string\"")) );
            System.out.println("PROBE2 " + http.get("/subjects/a%2Fb/versions/1"));
            System.out.println("PROBE3 " + http.get("/subjects/a%2Fb/versions/1").contentType());
            System.out.println("PROBE4 " + http.get("/subjects/%C3%A9t%C3%A9/versions"));
        }
    }
}
