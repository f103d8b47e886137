package io.switchboard;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Command-line flags over {@code SWITCHBOARD_*} environment variables: only those {@link Flag} defines. */
final class OptionSource {
    /** The names of the flags the parser takes ({@link Flag}). */
    static final Set<String> KNOWN = Arrays.stream(Flag.values()).map(Flag::flagName)
            .collect(Collectors.toUnmodifiableSet());

    private final Map<Flag, String> flags = new EnumMap<>(Flag.class);
    private final Map<String, String> env;

    OptionSource(String[] args, Map<String, String> env) {
        this.env = env;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("Flag --" + name + " needs a value");
            }
            Flag flag = Flag.named(name);
            if (flag.repeatable() && flags.containsKey(flag)) {
                // Kafka settings may hold commas (ssl.enabled.protocols): they are kept a line each.
                value = flags.get(flag) + (flag.type() == Flag.Type.PROPERTIES ? "\n" : ",") + value;
            }
            flags.put(flag, value);
        }
    }

    String string(Flag flag, String fallback) {
        String value = flags.get(flag);
        if (value == null) {
            value = env.get(flag.environmentVariable());
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Kafka client settings as KEY=VALUE lines: those of the properties file {@code --<fileFlag>}
     * names (as Kafka's tools take {@code --command-config}; a password kept there is not on the
     * command line), then those of {@code --<flag>} over them; null when neither is given.
     */
    String kafkaLines(Flag fileFlag, Flag flag) {
        String file = string(fileFlag, null);
        String lines = string(flag, null);
        if (file == null) {
            return lines;
        }
        java.util.Properties read = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file.trim()))) {
            read.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--" + fileFlag.flagName() + ": cannot read " + file.trim() + " (" + e.getMessage() + ")");
        }
        StringBuilder all = new StringBuilder();
        read.stringPropertyNames().stream().sorted().filter(key -> !key.equals("bootstrap.servers"))
                .forEach(key -> all.append(key).append('=').append(read.getProperty(key)).append('\n'));
        return lines == null ? all.toString() : all + lines;
    }

    int integer(Flag flag, int fallback) {
        String value = string(flag, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag.flagName() + " must be a whole number, not '" + value + "'");
        }
    }
}
