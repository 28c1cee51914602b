package io.albert4j.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Malformed safetensors files are refused with a message naming the file and the problem. */
class SafetensorsValidationTest {

    @TempDir
    Path tmp;

    private Path file(String name) {
        return tmp.resolve(name + ".safetensors");
    }

    private static String entry(String key, String dtype, String shape, long begin, long end) {
        return "\"" + key + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void fileShorterThanTheHeaderLength() throws IOException {
        Path f = Files.write(file("tiny"), new byte[]{1, 2, 3});
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "3 bytes", "truncated");
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = new SafetensorsWriter().f32("a", shape(4), 1, 2, 3, 4).f32("b", shape(4), 5, 6, 7, 8)
                .write(file("good"));
        byte[] bytes = Files.readAllBytes(good);
        Path cut = Files.write(file("cut"), Arrays.copyOf(bytes, bytes.length - 5));
        assertFails(() -> SafetensorsFile.open(cut), cut.toString(), "'b'", "[16, 32]", "outside the data area",
                "27 bytes", "truncated");
        Path headerCut = Files.write(file("headercut"), Arrays.copyOf(bytes, 20));
        assertFails(() -> SafetensorsFile.open(headerCut), "header length", "runs past the end of the file", "20 bytes");
    }

    @Test
    void headerLengthPastEndOfFile() {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        Path f = SafetensorsWriter.writeRaw(file("past"), 5000, header, new byte[10]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "header length 5000", "runs past the end", "20 bytes");
    }

    @Test
    void absurdHeaderLength() {
        Path f = SafetensorsWriter.writeRaw(file("absurd"), 100_000_001L, new byte[16], new byte[0]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "header length 100000001", "absurd", "100000000");
        Path negative = SafetensorsWriter.writeRaw(file("negative"), -1L, new byte[16], new byte[0]);
        assertFails(() -> SafetensorsFile.open(negative), "header length 18446744073709551615", "absurd");
    }

    @Test
    void malformedJson() {
        Path f = SafetensorsWriter.writeRaw(file("json"), "{\"a\":{\"dtype\":\"F32\",", new byte[0]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "malformed JSON header");
        Path notObject = SafetensorsWriter.writeRaw(file("array"), "[1,2]", new byte[0]);
        assertFails(() -> SafetensorsFile.open(notObject), "must begin with '{'", "'[1,2]'");
        Path duplicate = SafetensorsWriter.writeRaw(file("dup"),
                "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]);
        assertFails(() -> SafetensorsFile.open(duplicate), "malformed JSON header", "Duplicate field 'a'");
    }

    /** The rules of the reference reader (the Rust crate), which SafetensorsDifferentialTest checks in bulk. */
    @Test
    void headerAndDataMustMatchExactly() {
        String one = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 4, 8) + "}";
        Path shifted = SafetensorsWriter.writeRaw(file("shifted"), one, new byte[9]);
        assertFails(() -> SafetensorsFile.open(shifted), shifted.toString(), "9 bytes", "cover only 8", "1 trailing bytes");
        String gap = "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 6, 10) + "}";
        Path g = SafetensorsWriter.writeRaw(file("gap"), gap, new byte[10]);
        assertFails(() -> SafetensorsFile.open(g), "2 unused bytes at [4, 6) before tensor 'b'", "cover the data area exactly");
        Path garbage = SafetensorsWriter.writeRaw(file("garbage"), one + "{}", new byte[8]);
        assertFails(() -> SafetensorsFile.open(garbage), "malformed JSON header", "Trailing token");
        Path padded = SafetensorsWriter.writeRaw(file("padded"), one + "   ", new byte[8]);
        SafetensorsFile.open(padded).close();
        Path leading = SafetensorsWriter.writeRaw(file("leading"), " " + one, new byte[8]);
        assertFails(() -> SafetensorsFile.open(leading), "must begin with '{'");
        byte[] invalid = one.getBytes(StandardCharsets.UTF_8);
        invalid[2] = (byte) 0xff;
        Path utf8 = SafetensorsWriter.writeRaw(file("utf8"), invalid.length, invalid, new byte[8]);
        assertFails(() -> SafetensorsFile.open(utf8), "not valid UTF-8");
        Path metadata = SafetensorsWriter.writeRaw(file("meta"), "{\"__metadata__\":{\"n\":1}}", new byte[0]);
        assertFails(() -> SafetensorsFile.open(metadata), "__metadata__ value 'n' must be a string", "NUMBER");
        Path surrogate = SafetensorsWriter.writeRaw(file("surrogate"), "{" + entry("\\ud800", "F32", "[1]", 0, 4) + "}",
                new byte[4]);
        assertFails(() -> SafetensorsFile.open(surrogate), "lone UTF-16 surrogate");
    }

    @Test
    void namesFromTheFileAreEscapedInMessages() {
        Path f = SafetensorsWriter.writeRaw(file("newline"), "{" + entry("evil\\nINFO forged", "F32", "[1]", 0, 8) + "}",
                new byte[8]);
        String message = assertFails(() -> SafetensorsFile.open(f), "'evil\\u000aINFO forged'");
        assertFalse(message.contains("\n"), message);
    }

    @Test
    void overlappingOffsets() {
        String header = "{" + entry("first", "F32", "[4]", 0, 16) + "," + entry("second", "F32", "[4]", 8, 24) + "}";
        Path f = SafetensorsWriter.writeRaw(file("overlap"), header, new byte[24]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "'first' [0, 16]", "'second' [8, 24]", "overlap");
        String same = "{" + entry("x", "F32", "[2]", 0, 8) + "," + entry("y", "F32", "[2]", 0, 8) + "}";
        Path g = SafetensorsWriter.writeRaw(file("alias"), same, new byte[8]);
        assertFails(() -> SafetensorsFile.open(g), "'x' [0, 8]", "'y' [0, 8]", "overlap");
    }

    @Test
    void outOfRangeOffsets() {
        Path f = SafetensorsWriter.writeRaw(file("range"), "{" + entry("w", "F32", "[4]", 8, 24) + "}", new byte[16]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "[8, 24]", "outside the data area", "16 bytes");
        Path reversed = SafetensorsWriter.writeRaw(file("reversed"), "{" + entry("w", "F32", "[0]", 8, 4) + "}", new byte[16]);
        assertFails(() -> SafetensorsFile.open(reversed), "'w'", "[8, 4]", "begin > end");
        Path negative = SafetensorsWriter.writeRaw(file("neg"), "{" + entry("w", "F32", "[1]", -4, 0) + "}", new byte[16]);
        assertFails(() -> SafetensorsFile.open(negative), "'w'", "data_offsets", "non-negative integers");
    }

    @Test
    void shapeTimesDtypeSizeDiffersFromByteLength() {
        Path f = SafetensorsWriter.writeRaw(file("size"), "{" + entry("w", "F16", "[3,2]", 0, 16) + "}", new byte[16]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "[3, 2]", "F16", "12 bytes", "cover 16 bytes");
        Path overflow = SafetensorsWriter.writeRaw(file("overflow"),
                "{" + entry("w", "F32", "[4294967296,4294967296]", 0, 16) + "}", new byte[16]);
        assertFails(() -> SafetensorsFile.open(overflow), "'w'", "overflows");
        Path badShape = SafetensorsWriter.writeRaw(file("badshape"), "{" + entry("w", "F32", "[2,-2]", 0, 16) + "}",
                new byte[16]);
        assertFails(() -> SafetensorsFile.open(badShape), "'w'", "shape must be an array", "non-negative");
    }

    @Test
    void unknownDtype() {
        Path f = SafetensorsWriter.writeRaw(file("dtype"), "{" + entry("w", "F8_E4M3", "[4]", 0, 4) + "}", new byte[4]);
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "'w'", "unknown dtype 'F8_E4M3'");
        Path lower = SafetensorsWriter.writeRaw(file("lower"), "{" + entry("w", "f32", "[1]", 0, 4) + "}", new byte[4]);
        assertFails(() -> SafetensorsFile.open(lower), "'w'", "unknown dtype 'f32'");
        Path missing = SafetensorsWriter.writeRaw(file("nodtype"),
                "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        assertFails(() -> SafetensorsFile.open(missing), "'w'", "no dtype");
    }

    @Test
    void gitLfsPointer() throws IOException {
        Path f = Files.writeString(file("lfs"), "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:4d8c1ba8e3a8f1a3c8f5f1d\nsize 47376696\n");
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "Git LFS pointer");
    }

    @Test
    void missingFile() {
        Path f = file("absent");
        assertFails(() -> SafetensorsFile.open(f), f.toString(), "does not exist");
    }
}
