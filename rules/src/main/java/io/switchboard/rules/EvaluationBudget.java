package io.switchboard.rules;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelFunctionBinding;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What one evaluation of a policy's expression may cost at run time, beside what {@link ExpressionCost}
 * bounds when it is stored: a string it makes holds at most {@value #MAX_STRING} characters (CEL's
 * {@code replace} is bound here with that cap checked before the result is built, so a chain of
 * replacements cannot multiply a string past it), all the values it makes hold at most
 * {@value #MAX_MADE} characters or elements together, and it ends within {@value #MAX_MILLIS} ms.
 * Going past any of them ends the evaluation with an error, which counts as a breach.
 */
final class EvaluationBudget implements CelEvaluationListener {
    static final int MAX_STRING = 65_536;
    static final long MAX_MADE = 1 << 20;
    static final long MAX_MILLIS = 1_000;

    /** CEL's {@code replace}, both overloads, as the strings extension defines it, with the result's size bounded. */
    static final List<CelFunctionBinding> BINDINGS = List.of(
            CelFunctionBinding.from("string_replace_string_string", List.of(String.class, String.class, String.class),
                    args -> replace((String) args[0], (String) args[1], (String) args[2], -1)),
            CelFunctionBinding.from("string_replace_string_string_int",
                    List.of(String.class, String.class, String.class, Long.class),
                    args -> replace((String) args[0], (String) args[1], (String) args[2], (Long) args[3])));

    private final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_MILLIS);
    private long made;

    /** An evaluation stopped for going past its budget. */
    static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void callback(CelExpr expr, Object result) {
        if (result instanceof CharSequence text) {
            made += text.length();
        } else if (result instanceof Collection<?> values) {
            made += values.size();
        } else if (result instanceof Map<?, ?> values) {
            made += values.size();
        }
        if (made > MAX_MADE) {
            throw new Exceeded("the evaluation made more than " + MAX_MADE + " characters or elements");
        }
        if (System.nanoTime() - deadline > 0) {
            throw new Exceeded("the evaluation took longer than " + MAX_MILLIS + " ms");
        }
    }

    /**
     * {@code text.replace(old, with, limit)}: at most {@code limit} occurrences, all when negative; an empty
     * {@code old} matches before each character and at the end, as in CEL's strings extension.
     */
    static String replace(String text, String old, String with, long limit) {
        if (old.equals(with) || limit == 0) {
            return text;
        }
        if (text.isEmpty()) {
            return old.isEmpty() ? with : text;
        }
        int at = text.indexOf(old);
        if (at < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int previous = 0;
        long replaced = 0;
        while (at >= 0) {
            if ((long) out.length() + (at - previous) + with.length() + (text.length() - at - old.length()) > MAX_STRING) {
                throw new Exceeded("replace failure: the result would be longer than " + MAX_STRING + " characters");
            }
            out.append(text, previous, at).append(with);
            previous = at + old.length();
            if (++replaced == limit) {
                break;
            }
            int next = old.isEmpty() ? at + (at < text.length() ? Character.charCount(text.codePointAt(at)) : 1) : previous;
            at = next > text.length() ? -1 : text.indexOf(old, next);
        }
        return out.append(text, previous, text.length()).toString();
    }
}
