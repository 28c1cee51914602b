package io.albert4j.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * A QA context split into whitespace-delimited words, as Hugging Face's {@code SquadExample} splits
 * it: every character maps to the word it belongs to, whitespace to the word before it (-1 before
 * the first word). Answers are reported in whole words through this map.
 */
final class ContextWords {
    final List<String> words;
    final int[] charToWord; // [context length]
    private final String context;

    ContextWords(String context) {
        this.context = context;
        charToWord = new int[context.length()];
        List<StringBuilder> building = new ArrayList<>();
        boolean previousWhitespace = true;
        for (int i = 0; i < context.length(); i++) {
            char c = context.charAt(i);
            if (isWhitespace(c)) {
                previousWhitespace = true;
            } else {
                if (previousWhitespace) {
                    building.add(new StringBuilder());
                }
                building.get(building.size() - 1).append(c);
                previousWhitespace = false;
            }
            charToWord[i] = building.size() - 1;
        }
        words = building.stream().map(StringBuilder::toString).toList();
    }

    /** First character of a word. */
    int start(int wordIndex) {
        for (int i = 0; i < charToWord.length; i++) {
            if (charToWord[i] == wordIndex) {
                return i;
            }
        }
        throw new IllegalArgumentException("no word " + wordIndex);
    }

    /**
     * Last character mapped to a word (its trailing whitespace included), as Hugging Face reports
     * "end": the index where that character starts, so a character outside the Basic Multilingual
     * Plane gives its high surrogate (Python's one index for it), not its low one.
     */
    int end(int wordIndex) {
        for (int i = charToWord.length - 1; i >= 0; i--) {
            if (charToWord[i] == wordIndex) {
                boolean lowHalf = i > 0 && Character.isLowSurrogate(context.charAt(i))
                        && Character.isHighSurrogate(context.charAt(i - 1));
                return lowHalf ? i - 1 : i;
            }
        }
        throw new IllegalArgumentException("no word " + wordIndex);
    }

    String join(int firstWord, int lastWord) {
        return String.join(" ", words.subList(firstWord, lastWord + 1));
    }

    /** Hugging Face's {@code _is_whitespace} in squad.py. */
    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\u202F';
    }
}
