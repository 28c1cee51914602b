package io.albert4j.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.AlbertException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens a {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of JSON
 * header ({@code {"key": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}}),
 * then the data area, which {@code data_offsets} index. Everything in the header is checked before
 * it is used, with the rules of the reference reader (the Rust {@code safetensors} crate): the length
 * against the file and the 100 MB limit, strict UTF-8, one JSON object and nothing after it but
 * whitespace, each entry's fields, shape times element size against the byte range, and the tensors
 * tiling the data area exactly (no gap, no overlap, no trailing byte). Two deliberate differences, both
 * stricter: the header must begin with {@code '{'} as the format specification says (the crate also
 * accepts leading whitespace), and duplicate keys are refused (the crate keeps the last).
 *
 * <p>Stateless and thread-safe.
 */
final class SafetensorsFile {
    /** The limit the reference implementation applies to the header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsFile.class);
    /**
     * Duplicate keys are refused (the reference keeps the last one silently; two readers picking different
     * duplicates is how ambiguous files fool one of them), and so is anything after the header object.
     */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Charset STRICT_UTF8 = StandardCharsets.UTF_8;

    private SafetensorsFile() {
    }

    static MappedCheckpoint open(Path path) {
        String file = path.toString();
        FileChannel channel = FileAccess.openChannel(path);
        try {
            Map<String, StoredTensor> tensors = parse(channel, file);
            LOG.debug("{}: {} tensors", file, tensors.size());
            return new MappedCheckpoint(file, tensors, List.of(channel));
        } catch (IOException e) {
            MappedCheckpoint.closeAll(List.of(channel));
            throw new AlbertException(file + ": cannot read safetensors file: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            MappedCheckpoint.closeAll(List.of(channel));
            throw e;
        }
    }

    private record Range(String key, long begin, long end) {
    }

    private static Map<String, StoredTensor> parse(FileChannel channel, String file) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new AlbertException(file + ": file is " + size + " bytes, too short for a safetensors file "
                    + "(it starts with an 8-byte header length); truncated?");
        }
        if (FileAccess.isLfsPointer(channel)) {
            throw FileAccess.lfsPointer(file);
        }
        long headerLength = FileAccess.read(channel, 0, 8).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new AlbertException(file + ": header length " + Long.toUnsignedString(headerLength)
                    + " is absurd (the limit is " + MAX_HEADER_BYTES + " bytes); not a safetensors file, or corrupt");
        }
        if (headerLength > size - 8) {
            throw new AlbertException(file + ": header length " + headerLength + " runs past the end of the file ("
                    + size + " bytes, so at most " + (size - 8) + " header bytes); truncated?");
        }
        ByteBuffer headerBytes = FileAccess.read(channel, 8, (int) headerLength);
        JsonNode header = parseHeader(headerBytes, file);
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        List<Range> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (key.equals("__metadata__")) {
                checkMetadata(field.getValue(), file);
                continue;
            }
            String name = AlbertException.quote(key);
            JsonNode entry = field.getValue();
            if (!entry.isObject()) {
                throw new AlbertException(file + ": tensor " + name + ": expected an object with dtype, shape and "
                        + "data_offsets, found " + entry.getNodeType());
            }
            JsonNode dtypeNode = entry.get("dtype");
            if (dtypeNode == null || !dtypeNode.isTextual()) {
                throw new AlbertException(file + ": tensor " + name + " has no dtype string");
            }
            String dtypeName = dtypeNode.asText();
            DType dtype = DType.fromSafetensorsName(dtypeName).orElseThrow(() -> new AlbertException(
                    file + ": tensor " + name + " has unknown dtype " + AlbertException.quote(dtypeName)
                            + " (known: F32, F16, BF16, F64, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)"));
            long[] shape = longs(entry.get("shape"), -1, file, name, "shape");
            long[] offsets = longs(entry.get("data_offsets"), 2, file, name, "data_offsets");
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw new AlbertException(file + ": tensor " + name + " has data_offsets [" + begin + ", " + end
                        + "] with begin > end");
            }
            if (end > dataSize) {
                throw new AlbertException(file + ": tensor " + name + " has data_offsets [" + begin + ", " + end
                        + "] outside the data area, which is " + dataSize + " bytes (file " + size + " bytes); truncated?");
            }
            TensorInfo info = new TensorInfo(key, dtype, shape);
            long expectedBytes;
            try {
                expectedBytes = info.byteCount();
            } catch (ArithmeticException e) {
                throw new AlbertException(file + ": tensor " + name + " has shape " + info.shapeString()
                        + " whose size overflows");
            }
            if (expectedBytes != end - begin) {
                throw new AlbertException(file + ": tensor " + name + " has shape " + info.shapeString() + " of "
                        + dtype + " = " + expectedBytes + " bytes, but data_offsets [" + begin + ", " + end
                        + "] cover " + (end - begin) + " bytes");
            }
            ranges.add(new Range(name, begin, end));
            tensors.put(key, StoredTensor.contiguous(info, channel, file, dataStart + begin));
        }
        checkCoverage(ranges, dataSize, file);
        return tensors;
    }

    /**
     * The header as the format specifies it and the reference reader accepts it: strict UTF-8, starting
     * with {@code '{'}, one JSON object and nothing after it but whitespace padding, no string with a
     * lone surrogate.
     */
    private static JsonNode parseHeader(ByteBuffer headerBytes, String file) {
        String text;
        try {
            text = STRICT_UTF8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new AlbertException(file + ": JSON header is not valid UTF-8 (" + e + ")", e);
        }
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw new AlbertException(file + ": JSON header must begin with '{' (the safetensors format requires it), found "
                    + (text.isEmpty() ? "an empty header" : AlbertException.quote(text.substring(0, Math.min(16, text.length())))));
        }
        JsonNode header;
        try {
            header = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AlbertException(file + ": malformed JSON header: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"), e);
        }
        if (header == null || !header.isObject()) {
            throw new AlbertException(file + ": JSON header must be an object of tensors, found "
                    + (header == null ? "nothing" : header.getNodeType()));
        }
        for (Iterator<String> names = header.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (hasLoneSurrogate(key)) {
                throw new AlbertException(file + ": JSON header key " + AlbertException.quote(key)
                        + " contains a lone UTF-16 surrogate escape, which is not a character");
            }
        }
        return header;
    }

    /** {@code __metadata__}: absent, null, or an object whose values are all strings (the format's rule). */
    private static void checkMetadata(JsonNode metadata, String file) {
        if (metadata.isNull()) {
            return;
        }
        if (!metadata.isObject()) {
            throw new AlbertException(file + ": __metadata__ must be an object of strings, found " + metadata.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new AlbertException(file + ": __metadata__ value " + AlbertException.quote(e.getKey())
                        + " must be a string, found " + e.getValue().getNodeType());
            }
            if (hasLoneSurrogate(e.getKey()) || hasLoneSurrogate(e.getValue().asText())) {
                throw new AlbertException(file + ": __metadata__ entry " + AlbertException.quote(e.getKey())
                        + " contains a lone UTF-16 surrogate escape, which is not a character");
            }
        }
    }

    /**
     * The tensors, ordered by offset, must tile the data area exactly as the reference reader requires:
     * the first begins at 0, each begins where the previous ends, the last ends at the end of the file.
     * A gap, an overlap or trailing bytes means the header and the data disagree (bytes inserted or
     * removed shift every later tensor), so the file is refused rather than read with wrong weights.
     */
    private static void checkCoverage(List<Range> ranges, long dataSize, String file) {
        ranges.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        long expected = 0;
        String previous = null;
        for (Range r : ranges) {
            if (r.begin < expected) {
                throw new AlbertException(file + ": tensors " + previous + " and "
                        + r.key + " [" + r.begin + ", " + r.end + "] overlap in the data area");
            }
            if (r.begin > expected) {
                throw new AlbertException(file + ": data area has " + (r.begin - expected) + " unused bytes at ["
                        + expected + ", " + r.begin + ") before tensor " + r.key + (previous == null ? ""
                        : " (after " + previous + ")") + "; tensors must cover the data area exactly; corrupt file?");
            }
            expected = r.end;
            previous = r.key + " [" + r.begin + ", " + r.end + "]";
        }
        if (expected != dataSize) {
            throw new AlbertException(file + ": data area is " + dataSize + " bytes but its tensors cover only "
                    + expected + "; " + (dataSize - expected) + " trailing bytes; corrupt file?");
        }
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] longs(JsonNode node, int length, String file, String key, String field) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new AlbertException(file + ": tensor " + key + ": " + field + " must be an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers, found " + abbreviated(node));
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new AlbertException(file + ": tensor " + key + ": " + field + " must be an array of "
                        + "non-negative integers, found " + abbreviated(node));
            }
            values[i] = v.asLong();
        }
        return values;
    }

    private static String abbreviated(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }
}
