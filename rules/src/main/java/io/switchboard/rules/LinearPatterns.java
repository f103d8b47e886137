package io.switchboard.rules;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Regular expressions from users' configs ({@code topics.regex}, a router's {@code regex}), judged
 * in time linear in the name matched: compiled by RE2/J, never matched by {@code java.util.regex}'s
 * backtracking engine, and only under bounds that keep RE2/J's own compilation small (its length,
 * and the product of its counted repetitions, which RE2/J expands), and only when RE2/J reads it as
 * Kafka Connect's {@code java.util.regex} does ({@link #readDifferently}). A pure function.
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
        String different = readDifferently(regex);
        if (different != null) {
            return new Judged(null, "RE2/J, which judges it, and java.util.regex, which Kafka Connect runs, read " + different
                    + " differently; write it another way");
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

    /**
     * The first construct RE2/J and {@code java.util.regex} both compile but read differently, as
     * the words a refusal quotes; null when there is none. One pass, linear in the text:
     * <ul>
     *   <li>a {@code [} inside a character class: java.util.regex reads {@code [[:digit:]]} as the
     *       characters {@code :digt} and {@code [a[b]]} as a union, RE2/J the first as the digits and
     *       the second as a class followed by a literal {@code ]};</li>
     *   <li>{@code &&} inside a character class: an intersection for java.util.regex, two
     *       {@code &} for RE2/J;</li>
     *   <li>a backslash before a digit: a back reference ({@code \1}) or an octal escape
     *       ({@code \0101}) for java.util.regex, an octal escape ({@code \101}) for RE2/J;</li>
     *   <li>{@code \v}: any vertical whitespace for java.util.regex, the vertical tab for RE2/J;</li>
     *   <li>the flag {@code U}: Unicode character classes for java.util.regex, ungreedy for RE2/J.</li>
     * </ul>
     * Text quoted by {@code \Q...\E} is literal for both. Other differences (what {@code .},
     * {@code $} and {@code \s} make of line terminators and the vertical tab, Unicode case folding,
     * which RE2/J applies more widely) never change whether a topic name, which has none of those
     * characters, is matched, or only make RE2/J match more.
     */
    static String readDifferently(String regex) {
        int n = regex.length();
        boolean inClass = false;
        int classBody = -1;
        for (int i = 0; i < n; i++) {
            char c = regex.charAt(i);
            char next = i + 1 < n ? regex.charAt(i + 1) : 0;
            if (c == '\\') {
                if (next == 'Q' && !inClass) {
                    int end = regex.indexOf("\\E", i + 2);
                    if (end < 0) {
                        return null;
                    }
                    i = end + 1;
                } else if (Character.isDigit(next)) {
                    return "a backslash before a digit (\\" + next + ")";
                } else if (next == 'v') {
                    return "\\v";
                } else {
                    i++;
                }
            } else if (inClass) {
                if (c == '[') {
                    return "a '[' inside a character class ([[:digit:]], [a[b]])";
                } else if (c == '&' && next == '&') {
                    return "'&&' inside a character class";
                } else if (c == ']' && i > classBody) {
                    inClass = false;
                }
            } else if (c == '[') {
                inClass = true;
                classBody = next == '^' ? i + 2 : i + 1;
                i = classBody - 1;
            } else if (c == '(' && next == '?') {
                for (int j = i + 2; j < n && Character.isLetter(regex.charAt(j)) || j < n && regex.charAt(j) == '-'; j++) {
                    if (regex.charAt(j) == 'U') {
                        return "the flag U";
                    }
                }
            }
        }
        return null;
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
