package io.clipstream.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level BPE, as Hugging Face tokenizers runs it for roberta-base: split the text with GPT-2's
 * regex, write each piece's UTF-8 bytes as printable characters (GPT-2's bytes_to_unicode), then merge
 * adjacent symbols, lowest merge rank first (leftmost on ties), until no merge applies. No prefix space.
 *
 * <p>Java 17 knows Unicode 13: 4,913 code points that Python's {@code regex} (and newer Oniguruma) count
 * as letters or digits, all assigned in Unicode 14 or later, are "other" here, so text using them may split
 * differently. White space agrees on every code point (checked for each one).
 *
 * <p>Thread-safe: the tables are immutable and the word cache is a bounded concurrent map.
 */
public final class ByteLevelBpe {

    /**
     * GPT-2's pre-tokenizer. {@code UNICODE_CHARACTER_CLASS} makes {@code \s} Unicode White_Space, like the
     * Oniguruma regex of Hugging Face tokenizers; {@code \p{L}} and {@code \p{N}} are the general categories.
     */
    static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final int CACHE_WORDS = 10_000;
    private static final int CACHE_WORD_CHARS = 64;
    private static final String[] BYTE_SYMBOLS = byteSymbols();

    private final Map<String, Integer> vocab;
    private final String[] symbolOf;
    private final Map<Long, Long> merges; // (left id, right id) -> (rank, merged id)
    private final int[] byteIds;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** Builds the tables; every merge's parts and result, and every byte symbol, must be in the vocabulary. */
    public ByteLevelBpe(Map<String, Integer> vocab, List<BpeVocabulary.Merge> mergeList) {
        this.vocab = Map.copyOf(vocab);
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.symbolOf = new String[maxId + 1];
        vocab.forEach((token, id) -> symbolOf[id] = token);
        this.byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(BYTE_SYMBOLS[b]);
            if (id == null) {
                throw new IllegalArgumentException("vocabulary lacks the byte symbol " + BYTE_SYMBOLS[b] + " (byte " + b
                        + "): not a byte-level BPE vocabulary");
            }
            byteIds[b] = id;
        }
        this.merges = new HashMap<>(mergeList.size() * 2);
        for (int rank = 0; rank < mergeList.size(); rank++) {
            var m = mergeList.get(rank);
            int left = requireToken(m.left(), rank);
            int right = requireToken(m.right(), rank);
            int merged = requireToken(m.left() + m.right(), rank);
            merges.put(pairKey(left, right), ((long) rank << 32) | merged);
        }
    }

    private int requireToken(String token, int rank) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("merge " + rank + " uses a token missing from the vocabulary: " + token);
        }
        return id;
    }

    /** The ids of {@code text}, at most {@code limit} of them (the rest of the text is not looked at). */
    public int[] encode(String text, int limit) {
        var out = new IntList(Math.min(limit, 64));
        forEachPiece(text, piece -> {
            for (int id : encodePiece(piece)) {
                if (out.size < limit) {
                    out.add(id);
                }
            }
            return out.size < limit;
        });
        return out.toArray();
    }

    /** All ids of {@code text}. */
    public int[] encode(String text) {
        return encode(text, Integer.MAX_VALUE);
    }

    /** The tokens of {@code text} in their byte-level spelling (a space shows as 'Ġ'). */
    public List<String> tokens(String text) {
        var out = new ArrayList<String>();
        for (int id : encode(text)) {
            out.add(symbolOf[id]);
        }
        return out;
    }

    private interface PieceVisitor {
        boolean visit(String piece); // false: stop
    }

    private static void forEachPiece(String text, PieceVisitor visitor) {
        Matcher m = PRE_TOKENIZER.matcher(text);
        while (m.find()) {
            if (!visitor.visit(m.group())) {
                return;
            }
        }
    }

    private int[] encodePiece(String piece) {
        boolean cacheable = piece.length() <= CACHE_WORD_CHARS;
        if (cacheable) {
            int[] hit = cache.get(piece);
            if (hit != null) {
                return hit;
            }
        }
        int[] ids = mergeAll(utf8Symbols(piece));
        if (cacheable && cache.size() < CACHE_WORDS) {
            cache.put(piece, ids);
        }
        return ids;
    }

    private int[] utf8Symbols(String piece) {
        for (int i = 0; i < piece.length(); i++) {
            if (Character.isSurrogate(piece.charAt(i))
                    && !(Character.isHighSurrogate(piece.charAt(i))
                            && i + 1 < piece.length()
                            && Character.isLowSurrogate(piece.charAt(++i)))) {
                throw new IllegalArgumentException("text holds an unpaired UTF-16 surrogate at " + i);
            }
        }
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = byteIds[bytes[i] & 0xff];
        }
        return ids;
    }

    /** Hugging Face's {@code Word::merge_all}: a heap of (rank, position), stale entries skipped. */
    private int[] mergeAll(int[] symbols) {
        int n = symbols.length;
        int[] id = symbols.clone();
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] removed = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // entry = rank << 32 | position; merged id looked up again when popped
        var queue = new PriorityQueue<Long>();
        for (int i = 0; i + 1 < n; i++) {
            Long m = merges.get(pairKey(id[i], id[i + 1]));
            if (m != null) {
                queue.add((m >>> 32) << 32 | i);
            }
        }
        while (!queue.isEmpty()) {
            long top = queue.poll();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (removed[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            Long m = merges.get(pairKey(id[pos], id[right]));
            if (m == null || (int) (m >>> 32) != rank) {
                continue; // stale: one side was merged since this entry was queued
            }
            id[pos] = (int) (long) m;
            removed[right] = true;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0) {
                Long left = merges.get(pairKey(id[prev[pos]], id[pos]));
                if (left != null) {
                    queue.add((left >>> 32) << 32 | prev[pos]);
                }
            }
            if (next[pos] >= 0) {
                Long after = merges.get(pairKey(id[pos], id[next[pos]]));
                if (after != null) {
                    queue.add((after >>> 32) << 32 | pos);
                }
            }
        }
        var out = new IntList(n);
        for (int i = 0; i < n; i++) {
            if (!removed[i]) {
                out.add(id[i]);
            }
        }
        return out.toArray();
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xffffffffL);
    }

    /** GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others move to U+0100 and up. */
    static String[] byteSymbols() {
        String[] symbols = new String[256];
        int shifted = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = String.valueOf((char) (printable ? b : 256 + shifted++));
        }
        return symbols;
    }

    private static final class IntList {
        int[] data;
        int size;

        IntList(int capacity) {
            data = new int[Math.max(capacity, 4)];
        }

        void add(int v) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
