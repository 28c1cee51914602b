package io.albert4j.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.AlbertException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 * it is used: the length against the file, the JSON syntax, each entry's fields, the offsets against
 * the data area and against each other, and shape times element size against the byte range.
 *
 * <p>Stateless and thread-safe.
 */
final class SafetensorsFile {
    /** The limit the reference implementation applies to the header. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(SafetensorsFile.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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
        JsonNode header;
        try {
            header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new AlbertException(file + ": malformed JSON header: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"), e);
        }
        if (header == null || !header.isObject()) {
            throw new AlbertException(file + ": JSON header must be an object of tensors, found "
                    + (header == null ? "nothing" : header.getNodeType()));
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        List<Range> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (key.equals("__metadata__")) {
                continue;
            }
            JsonNode entry = field.getValue();
            if (!entry.isObject()) {
                throw new AlbertException(file + ": tensor '" + key + "': expected an object with dtype, shape and "
                        + "data_offsets, found " + entry.getNodeType());
            }
            JsonNode dtypeNode = entry.get("dtype");
            if (dtypeNode == null || !dtypeNode.isTextual()) {
                throw new AlbertException(file + ": tensor '" + key + "' has no dtype string");
            }
            String dtypeName = dtypeNode.asText();
            DType dtype = DType.fromSafetensorsName(dtypeName).orElseThrow(() -> new AlbertException(
                    file + ": tensor '" + key + "' has unknown dtype '" + dtypeName
                            + "' (known: F32, F16, BF16, F64, I64, I32, I16, I8, U64, U32, U16, U8, BOOL)"));
            long[] shape = longs(entry.get("shape"), -1, file, key, "shape");
            long[] offsets = longs(entry.get("data_offsets"), 2, file, key, "data_offsets");
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw new AlbertException(file + ": tensor '" + key + "' has data_offsets [" + begin + ", " + end
                        + "] with begin > end");
            }
            if (end > dataSize) {
                throw new AlbertException(file + ": tensor '" + key + "' has data_offsets [" + begin + ", " + end
                        + "] outside the data area, which is " + dataSize + " bytes (file " + size + " bytes); truncated?");
            }
            TensorInfo info = new TensorInfo(key, dtype, shape);
            long expectedBytes;
            try {
                expectedBytes = info.byteCount();
            } catch (ArithmeticException e) {
                throw new AlbertException(file + ": tensor '" + key + "' has shape " + info.shapeString()
                        + " whose size overflows");
            }
            if (expectedBytes != end - begin) {
                throw new AlbertException(file + ": tensor '" + key + "' has shape " + info.shapeString() + " of "
                        + dtype + " = " + expectedBytes + " bytes, but data_offsets [" + begin + ", " + end
                        + "] cover " + (end - begin) + " bytes");
            }
            ranges.add(new Range(key, begin, end));
            tensors.put(key, StoredTensor.contiguous(info, channel, file, dataStart + begin));
        }
        ranges.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        for (int i = 1; i < ranges.size(); i++) {
            Range a = ranges.get(i - 1);
            Range b = ranges.get(i);
            if (b.begin < a.end) {
                throw new AlbertException(file + ": tensors '" + a.key + "' [" + a.begin + ", " + a.end + "] and '"
                        + b.key + "' [" + b.begin + ", " + b.end + "] overlap in the data area");
            }
        }
        return tensors;
    }

    /** A JSON array of non-negative integers; {@code length} -1 means any length. */
    private static long[] longs(JsonNode node, int length, String file, String key, String field) {
        if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
            throw new AlbertException(file + ": tensor '" + key + "': " + field + " must be an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers, found " + node);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw new AlbertException(file + ": tensor '" + key + "': " + field + " must be an array of "
                        + "non-negative integers, found " + node);
            }
            values[i] = v.asLong();
        }
        return values;
    }
}
