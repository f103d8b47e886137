package io.switchboard.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Looks for every secret value the run wrote (as written and in base64, as it was sent) in every
 * record of every topic (internal ones and the worker's included), every process's log and every
 * answer a client received. Values are write-only: none may be found anywhere.
 * <p>Texts are given one at a time and nothing of them is kept, so a long run's topics and logs are
 * scanned in constant memory; a text is searched for what the forms of a kind share at their start
 * (the values a run writes share a prefix), and each match is then compared with the forms.
 */
final class LeakScan {
    /** Enough to show that values leaked and where, without growing with a run that leaks everything. */
    private static final int MAX_LEAKS = 100;

    /** Forms grouped by the prefix they share: the values as written, and their base64. */
    private final Map<String, List<String>> formsByPrefix = new LinkedHashMap<>();
    private final Set<String> leaks = new LinkedHashSet<>();

    LeakScan(Set<String> secrets) {
        List<String> raw = new ArrayList<>(secrets);
        List<String> encoded = raw.stream()
                .map(s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))).toList();
        for (List<String> forms : List.of(raw, encoded)) {
            if (!forms.isEmpty()) {
                formsByPrefix.computeIfAbsent(commonPrefix(forms), p -> new ArrayList<>()).addAll(forms);
            }
        }
    }

    /** Checks one text, saying where it was found if it holds a secret. */
    void check(String where, String text) {
        if (text == null || leaks.size() >= MAX_LEAKS) {
            return;
        }
        formsByPrefix.forEach((prefix, forms) -> {
            if (prefix.isEmpty()) {
                // Nothing shared to look for first: each form is looked for on its own.
                forms.stream().filter(text::contains).forEach(form -> leaks.add(where + " holds " + form));
                return;
            }
            for (int at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
                for (String form : forms) {
                    if (text.startsWith(form, at)) {
                        leaks.add(where + " holds " + form);
                    }
                }
            }
        });
    }

    /** Checks a file line by line (secret values hold no line break). */
    void checkFile(String where, Path file) {
        if (!Files.exists(file)) {
            return;
        }
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                check(where, line);
            }
        } catch (IOException e) {
            leaks.add(where + " could not be read: " + e);
        }
    }

    List<String> leaks() {
        return List.copyOf(leaks);
    }

    static String commonPrefix(List<String> values) {
        String prefix = values.get(0);
        for (String value : values) {
            int n = 0;
            while (n < prefix.length() && n < value.length() && prefix.charAt(n) == value.charAt(n)) {
                n++;
            }
            prefix = prefix.substring(0, n);
        }
        return prefix;
    }
}
