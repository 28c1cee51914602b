package io.albert4j.tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The normalizer sequence of a {@code tokenizer.json} ({@code Replace}, {@code NFKD}, {@code NFD},
 * {@code StripAccents}, {@code Lowercase}, {@code Precompiled}), applied as the {@code tokenizers}
 * library applies it, alignments included. Immutable and thread-safe.
 */
final class FastNormalizer {
    /** One normalizer of the sequence. */
    interface Step {
        NormalizedText apply(NormalizedText text);
    }

    private final List<Step> steps;

    FastNormalizer(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    NormalizedText normalize(NormalizedText text) {
        NormalizedText out = text;
        for (Step step : steps) {
            if (out.length == 0) {
                return out;
            }
            out = step.apply(out);
        }
        return out;
    }

    /** {@code Replace} with a string pattern: each inserted code point takes the alignment of the match's last. */
    record Replace(int[] pattern, int[] content) implements Step {
        @Override
        public NormalizedText apply(NormalizedText text) {
            NormalizedText out = null;
            int copied = 0;
            int i = 0;
            while (i + pattern.length <= text.length) {
                if (!matchesAt(text, i)) {
                    i++;
                    continue;
                }
                if (out == null) {
                    out = new NormalizedText(text.length, text.origin);
                }
                for (int k = copied; k < i; k++) {
                    out.appendFrom(text, k);
                }
                int last = i + pattern.length - 1;
                for (int cp : content) {
                    out.append(cp, text.starts[last], text.ends[last]);
                }
                i += pattern.length;
                copied = i;
            }
            if (out == null) {
                return text;
            }
            for (int k = copied; k < text.length; k++) {
                out.appendFrom(text, k);
            }
            return out;
        }

        private boolean matchesAt(NormalizedText text, int at) {
            for (int k = 0; k < pattern.length; k++) {
                if (text.codePoints[at + k] != pattern[k]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Unicode decomposition, NFKD ({@code compatibility}) or NFD, every part of a code point aligned to
     * it, then the canonical ordering of combining marks; with the library's Unicode data
     * ({@link FastUnicode}).
     */
    record Decompose(boolean compatibility) implements Step {
        @Override
        public NormalizedText apply(NormalizedText text) {
            FastUnicode unicode = FastUnicode.get();
            if (allBelow(text, unicode.firstDecomposed())) {
                return text;
            }
            Changes changes = new Changes(text.length + 8);
            for (int i = 0; i < text.length; i++) {
                int cp = text.codePoints[i];
                int[] parts = unicode.decomposition(cp, compatibility);
                if (parts == null) {
                    changes.add(cp, 0);
                    continue;
                }
                for (int k = 0; k < parts.length; k++) {
                    changes.add(parts[k], k == 0 ? 0 : 1);
                }
            }
            changes.reorderCanonically(unicode);
            return text.transform(changes.codePoints, changes.changes, changes.count, 0);
        }
    }

    /** {@code StripAccents}: removes the code points the library counts as combining marks. */
    record StripAccents() implements Step {
        @Override
        public NormalizedText apply(NormalizedText text) {
            FastUnicode unicode = FastUnicode.get();
            if (allBelow(text, unicode.firstMark())) {
                return text;
            }
            NormalizedText out = new NormalizedText(text.length, text.origin);
            for (int i = 0; i < text.length; i++) {
                if (!unicode.isMark(text.codePoints[i])) {
                    out.appendFrom(text, i);
                }
            }
            return out;
        }
    }

    /** {@code Lowercase}: Rust's {@code char::to_lowercase}, code point by code point. */
    record Lowercase() implements Step {
        @Override
        public NormalizedText apply(NormalizedText text) {
            FastUnicode unicode = FastUnicode.get();
            int i0 = 0;
            while (i0 < text.length && unicode.lower(text.codePoints[i0]) == null) {
                i0++;
            }
            if (i0 == text.length) {
                return text;
            }
            NormalizedText out = new NormalizedText(text.length + 4, text.origin);
            for (int i = 0; i < text.length; i++) {
                int[] lower = unicode.lower(text.codePoints[i]);
                if (lower == null) {
                    out.appendFrom(text, i);
                    continue;
                }
                for (int cp : lower) {
                    out.append(cp, text.starts[i], text.ends[i]);
                }
            }
            return out;
        }
    }

    /**
     * {@code Precompiled}: SentencePiece's character map applied grapheme by grapheme (whole
     * grapheme clusters under 6 UTF-8 bytes first, else code point by code point), with the
     * library's bookkeeping of changes, quirks included.
     */
    record Precompiled(PrecompiledCharsMap map) implements Step {
        private static final Pattern GRAPHEME = Pattern.compile("\\X");

        @Override
        public NormalizedText apply(NormalizedText text) {
            int first = 0;
            while (first < text.length && map.unchanged(text.codePoints[first])) {
                first++;
            }
            if (first == text.length) {
                return text;
            }
            Changes changes = new Changes(text.length + 8);
            boolean modified = false;
            String chars = null;
            Matcher matcher = null;
            int charIndex = 0;
            int i = 0;
            while (i < text.length) {
                int end;
                int cp = text.codePoints[i];
                boolean last = i + 1 == text.length;
                if (isSimple(cp) && (last || isSimple(text.codePoints[i + 1]))
                        && !(cp == '\r' && !last && text.codePoints[i + 1] == '\n')) {
                    end = i + 1;
                } else {
                    if (chars == null) {
                        chars = text.toString();
                        matcher = GRAPHEME.matcher(chars);
                    }
                    matcher.region(charIndex, chars.length());
                    end = i + (matcher.lookingAt() ? chars.codePointCount(charIndex, matcher.end()) : 1);
                }
                modified |= grapheme(text, i, end, changes);
                for (int k = i; k < end; k++) {
                    charIndex += Character.charCount(text.codePoints[k]);
                }
                i = end;
            }
            return modified ? text.transform(changes.codePoints, changes.changes, changes.count, 0) : text;
        }

        /** Code points below U+0300 never join a grapheme cluster (CR LF aside). */
        private static boolean isSimple(int cp) {
            return cp < 0x300;
        }

        private boolean grapheme(NormalizedText text, int from, int to, Changes changes) {
            int bytes = 0;
            for (int k = from; k < to; k++) {
                bytes += PrecompiledCharsMap.utf8Length(text.codePoints[k]);
            }
            if (bytes < 6) {
                int[] replacement = map.transform(text.codePoints, from, to);
                if (replacement != null) {
                    changes.replace(to - from, replacement);
                    return true;
                }
            }
            boolean modified = false;
            for (int k = from; k < to; k++) {
                int[] replacement = map.transform(text.codePoints, k, k + 1);
                if (replacement != null) {
                    changes.replace(1, replacement);
                    modified = true;
                } else {
                    changes.add(text.codePoints[k], 0);
                }
            }
            return modified;
        }
    }

    /** Whether every code point is below {@code limit}. */
    private static boolean allBelow(NormalizedText text, int limit) {
        for (int i = 0; i < text.length; i++) {
            if (text.codePoints[i] >= limit) {
                return false;
            }
        }
        return true;
    }

    /** The (code point, change) list that {@link NormalizedText#transform} consumes. */
    private static final class Changes {
        int[] codePoints;
        int[] changes;
        int count;

        Changes(int capacity) {
            codePoints = new int[capacity];
            changes = new int[capacity];
        }

        void add(int cp, int change) {
            if (count == codePoints.length) {
                codePoints = Arrays.copyOf(codePoints, count * 2);
                changes = Arrays.copyOf(changes, count * 2);
            }
            codePoints[count] = cp;
            changes[count] = change;
            count++;
        }

        /** {@code spm_precompiled}'s {@code replace}: new code points, the size difference on the last. */
        void replace(int oldCount, int[] replacement) {
            for (int cp : replacement) {
                add(cp, 0);
            }
            int diff = replacement.length - oldCount;
            if (diff > 0) {
                for (int k = count - diff; k < count; k++) {
                    changes[k] = 1;
                }
            } else if (diff < 0 && count > 0) {
                changes[count - 1] += diff;
            }
        }

        /**
         * Canonical ordering of combining marks, as the decomposition iterator does it: a stable
         * sort of each run of non-starters by combining class, each code point keeping its change.
         */
        void reorderCanonically(FastUnicode unicode) {
            for (int i = 1; i < count; i++) {
                int cp = codePoints[i];
                int cls = unicode.combiningClass(cp);
                if (cls == 0) {
                    continue;
                }
                int change = changes[i];
                int j = i;
                while (j > 0 && unicode.combiningClass(codePoints[j - 1]) > cls) {
                    codePoints[j] = codePoints[j - 1];
                    changes[j] = changes[j - 1];
                    j--;
                }
                codePoints[j] = cp;
                changes[j] = change;
            }
        }
    }
}
