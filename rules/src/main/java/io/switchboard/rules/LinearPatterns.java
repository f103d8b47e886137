package io.switchboard.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Regular expressions from users' configs ({@code topics.regex}, a router's {@code regex}), judged
 * in time linear in the name matched: compiled by RE2/J, never matched by {@code java.util.regex}'s
 * backtracking engine, and only under bounds that keep RE2/J's own compilation small (its length,
 * and the product of its counted repetitions, which RE2/J expands). A pure function.
 */
public final class LinearPatterns {
    /** The longest pattern judged. */
    public static final int MAX_LENGTH = 1000;
    /** The largest product of a pattern's counted repetitions ({@code {n}}, {@code {n,m}}), as if all were nested. */
    public static final long MAX_REPETITIONS = 1000;

    private LinearPatterns() {
    }

    /**
     * A pattern as judged.
     *
     * @param pattern the pattern, or null when it cannot be judged
     * @param problem why it cannot be judged (too long, or a construct only a backtracking engine runs),
     *                or null; both null when it is no pattern for Kafka Connect either (the worker refuses it)
     */
    public record Judged(Pattern pattern, String problem) {
    }

    /** The pattern compiled for linear-time matching, or why it is not. */
    public static Judged compile(String regex) {
        if (regex.length() > MAX_LENGTH) {
            return new Judged(null, "it is " + regex.length() + " characters long; a pattern has at most " + MAX_LENGTH);
        }
        if (repetitions(regex) > MAX_REPETITIONS) {
            return new Judged(null, "its counted repetitions ({n,m}) multiply to more than " + MAX_REPETITIONS);
        }
        try {
            return new Judged(Pattern.compile(regex), null);
        } catch (PatternSyntaxException e) {
            try {
                // Compiling (never matching) with the worker's engine: only to tell a typo from a construct RE2/J lacks.
                java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException invalid) {
                return new Judged(null, null);
            }
            return new Judged(null, "it uses a construct that only a backtracking engine runs (" + e.getDescription()
                    + "); write it without lookaround, backreferences or possessive quantifiers");
        }
    }

    /** A glob ({@code *} any run of characters, {@code ?} one, the rest literal) as a linear-time pattern. */
    public static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** The product of every {@code {n}}, {@code {n,}} and {@code {n,m}} in the text (its largest bound each), capped. */
    static long repetitions(String regex) {
        long product = 1;
        for (int i = regex.indexOf('{'); i >= 0 && product <= MAX_REPETITIONS; i = regex.indexOf('{', i + 1)) {
            int j = i + 1;
            long bound = 0;
            long number = 0;
            while (j < regex.length() && (Character.isDigit(regex.charAt(j)) || regex.charAt(j) == ',')) {
                char c = regex.charAt(j++);
                number = c == ',' ? 0 : Math.min(number * 10 + Character.digit(c, 10), Integer.MAX_VALUE);
                bound = Math.max(bound, number);
            }
            if (j < regex.length() && regex.charAt(j) == '}' && j > i + 1) {
                product *= Math.max(bound, 1);
            }
        }
        return product;
    }
}
