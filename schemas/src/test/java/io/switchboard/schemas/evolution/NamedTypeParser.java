package io.switchboard.schemas.evolution;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Parses a schema file that may name types defined in other files (as the .avsc files do: ConnectorState
 * uses TargetState, CommandDecision uses ConnectorState). The other files are tried as definitions in
 * whichever order lets each of them parse, then the schema is parsed with them known.
 */
final class NamedTypeParser {
    private NamedTypeParser() {
    }

    /**
     * @param text        the schema to parse
     * @param definitions other schema files whose named types the schema may use
     * @throws AvroRuntimeException when the schema does not parse even with every definition known
     */
    static Schema parse(String text, Collection<String> definitions) {
        List<String> known = new ArrayList<>();
        List<String> remaining = new ArrayList<>(definitions);
        while (true) {
            AvroRuntimeException failure;
            try {
                return parseAfter(known, text);
            } catch (AvroRuntimeException e) {
                failure = e;
            }
            if (!addOneThatParses(known, remaining)) {
                throw failure;
            }
        }
    }

    private static boolean addOneThatParses(List<String> known, List<String> remaining) {
        for (Iterator<String> it = remaining.iterator(); it.hasNext(); ) {
            String candidate = it.next();
            try {
                parseAfter(known, candidate);
            } catch (AvroRuntimeException e) {
                continue; // may need another definition first, or be unrelated and broken
            }
            known.add(candidate);
            it.remove();
            return true;
        }
        return false;
    }

    /** A fresh parser each time: a failed parse can leave half-defined names behind in a parser. */
    private static Schema parseAfter(List<String> definitions, String text) {
        Schema.Parser parser = new Schema.Parser();
        for (String definition : definitions) {
            parser.parse(definition);
        }
        return parser.parse(text);
    }
}
