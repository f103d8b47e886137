package io.switchboard.secrets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hides literal values in a text, in any case, in time linear in the text and the values together:
 * at each place, the longest value found there, then on after it (as an alternation of the values,
 * longest first, would, but without trying every value at every place). One Aho–Corasick pass over
 * the reversed text with the reversed values finds, for each place, the longest value that begins
 * there.
 */
final class LiteralScrub {
    private LiteralScrub() {
    }

    /** The text with each occurrence of any value, in any case, longest first, as {@code mask}. */
    static String anywhere(String text, Set<String> values, String mask) {
        if (values.isEmpty() || text.isEmpty()) {
            return text;
        }
        int[] longest = longestStartingAt(fold(text), values);
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (longest[i] > 0) {
                out.append(mask);
                i += longest[i];
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    /**
     * The text with each whole word (a run of letters and numbers, nothing of either on each side)
     * that is one of the words, in any case, as {@code mask}.
     */
    static String wholeWords(String text, Set<String> words, String mask) {
        if (words.isEmpty() || text.isEmpty()) {
            return text;
        }
        Set<String> folded = new HashSet<>();
        words.forEach(w -> folded.add(fold(w)));
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int end = i;
            while (end < text.length() && isWordPart(text.codePointAt(end))) {
                end += Character.charCount(text.codePointAt(end));
            }
            if (end == i) {
                out.append(text.charAt(i++));
                continue;
            }
            String word = text.substring(i, end);
            out.append(folded.contains(fold(word)) ? mask : word);
            i = end;
        }
        return out.toString();
    }

    private static boolean isWordPart(int codePoint) {
        return Character.isLetter(codePoint) || switch (Character.getType(codePoint)) {
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> true;
            default -> false;
        };
    }

    /** Each char as a case-insensitive match compares it; the length stays. */
    private static String fold(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = Character.toLowerCase(Character.toUpperCase(chars[i]));
        }
        return new String(chars);
    }

    /** For each index of the (folded) text, the length of the longest value beginning there, or 0. */
    private static int[] longestStartingAt(String text, Set<String> values) {
        List<Map<Character, Integer>> next = new ArrayList<>();
        List<Integer> depth = new ArrayList<>();
        List<Boolean> terminal = new ArrayList<>();
        next.add(new HashMap<>());
        depth.add(0);
        terminal.add(false);
        for (String value : values) {
            if (value.isEmpty()) {
                continue;
            }
            String folded = fold(value);
            int node = 0;
            for (int i = folded.length() - 1; i >= 0; i--) {
                Integer child = next.get(node).get(folded.charAt(i));
                if (child == null) {
                    child = next.size();
                    next.add(new HashMap<>());
                    depth.add(depth.get(node) + 1);
                    terminal.add(false);
                    next.get(node).put(folded.charAt(i), child);
                }
                node = child;
            }
            terminal.set(node, true);
        }
        int nodes = next.size();
        int[] fail = new int[nodes];
        int[] longestSuffix = new int[nodes];
        int[] queue = new int[nodes];
        int head = 0;
        int tail = 0;
        queue[tail++] = 0;
        while (head < tail) {
            int node = queue[head++];
            longestSuffix[node] = terminal.get(node) ? depth.get(node) : node == 0 ? 0 : longestSuffix[fail[node]];
            for (Map.Entry<Character, Integer> edge : next.get(node).entrySet()) {
                int child = edge.getValue();
                fail[child] = node == 0 ? 0 : step(next, fail, fail[node], edge.getKey());
                queue[tail++] = child;
            }
        }
        int[] longest = new int[text.length()];
        int state = 0;
        for (int i = text.length() - 1; i >= 0; i--) {
            state = step(next, fail, state, text.charAt(i));
            longest[i] = longestSuffix[state];
        }
        return longest;
    }

    private static int step(List<Map<Character, Integer>> next, int[] fail, int state, char c) {
        while (true) {
            Integer child = next.get(state).get(c);
            if (child != null) {
                return child;
            }
            if (state == 0) {
                return 0;
            }
            state = fail[state];
        }
    }
}
