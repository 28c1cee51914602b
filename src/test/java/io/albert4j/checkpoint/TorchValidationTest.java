package io.albert4j.checkpoint;

import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.CheckpointTestSupport.bytes;
import static io.albert4j.checkpoint.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Malicious and corrupt pytorch_model.bin files are refused with a clear message, executing nothing. */
class TorchValidationTest {

    @TempDir
    Path tmp;

    private Path zipWithPickle(String name, byte[] pickle) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return TorchWriter.write(tmp.resolve(name), TorchWriter.zipArchive(entries, false));
    }

    /** The classic payload: os.system("touch <marker>") via REDUCE. */
    @ParameterizedTest(name = "{0}.{1}")
    @CsvSource({"os, system", "posix, system", "builtins, eval", "__builtin__, exec", "subprocess, Popen",
            "torch, load", "torch._utils, _rebuild_device_tensor_from_numpy", "collections, defaultdict"})
    void refusesGlobalsOutsideTheAllowList(String module, String name) {
        Path marker = tmp.resolve("pwned-" + module + "-" + name);
        byte[] pickle = new TorchWriter.Pickle().proto(2).global(module, name)
                .unicode("touch " + marker).op(0x85).op('R').op('.').bytes();
        Path zip = zipWithPickle("evil-" + module + ".bin", pickle);
        assertFails(() -> TorchFile.open(zip), zip.toString(), "global '" + module + "." + name + "'",
                "refusing", "nothing from it was executed");
        assertFalse(Files.exists(marker), "nothing ran");

        // the same payload as the state-dict pickle of a legacy file
        ByteArrayOutputStream legacy = new ByteArrayOutputStream();
        legacy.writeBytes(new TorchWriter.Pickle().proto(2).integer(TorchFile.LEGACY_MAGIC).op('.').bytes());
        legacy.writeBytes(new TorchWriter.Pickle().proto(2).integer(1001).op('.').bytes());
        legacy.writeBytes(new TorchWriter.Pickle().proto(2).op('}').unicode("little_endian").op(0x88).op('s').op('.').bytes());
        legacy.writeBytes(pickle);
        Path old = TorchWriter.write(tmp.resolve("evil-legacy.bin"), legacy.toByteArray());
        assertFails(() -> TorchFile.open(old), "global '" + module + "." + name + "'", "refusing");
        assertFalse(Files.exists(marker), "nothing ran");
    }

    @Test
    void refusesStackGlobalAndGlobalsHiddenInsideTensors() {
        byte[] stackGlobal = new TorchWriter.Pickle().proto(4).unicode("builtins").unicode("exec").op(0x93)
                .unicode("import os").op(0x85).op('R').op('.').bytes();
        Path a = zipWithPickle("stackglobal.bin", stackGlobal);
        assertFails(() -> TorchFile.open(a), "global 'builtins.exec'");

        // a legitimate-looking state dict whose backward_hooks argument is an os.system call
        TorchWriter.Pickle p = new TorchWriter.Pickle().proto(2).op('}').unicode("w")
                .global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().unicode("storage").global("torch", "FloatStorage").unicode("0").unicode("cpu").integer(1).op('t').op('Q')
                .integer(0).ints(1).ints(1).op(0x89)
                .global("os", "system").unicode("echo hi").op(0x85).op('R')
                .op('t').op('R').op('s').op('.');
        Path b = zipWithPickle("hidden.bin", p.bytes());
        assertFails(() -> TorchFile.open(b), "global 'os.system'");
    }

    @Test
    void refusesOpcodesThatCanBuildArbitraryObjects() {
        byte[] inst = new TorchWriter.Pickle().proto(2).mark().unicode("id")
                .raw("ios\nsystem\n".getBytes(StandardCharsets.US_ASCII)).op('.').bytes();
        Path a = zipWithPickle("inst.bin", inst);
        assertFails(() -> TorchFile.open(a), "unsupported pickle opcode 0x69 ('i')");
        byte[] obj = new TorchWriter.Pickle().proto(2).mark().op('o').op('.').bytes();
        Path b = zipWithPickle("obj.bin", obj);
        assertFails(() -> TorchFile.open(b), "unsupported pickle opcode 0x6f ('o')");
        byte[] ext = new TorchWriter.Pickle().proto(2).op(0x82).op(1).op('.').bytes();
        Path c = zipWithPickle("ext.bin", ext);
        assertFails(() -> TorchFile.open(c), "unsupported pickle opcode 0x82");
        // REDUCE on a storage class is not a call the allow-list offers
        byte[] callStorage = new TorchWriter.Pickle().proto(2).global("torch", "FloatStorage").emptyTuple().op('R')
                .op('.').bytes();
        Path d = zipWithPickle("callstorage.bin", callStorage);
        assertFails(() -> TorchFile.open(d), "REDUCE applies torch.FloatStorage", "not an allowed callable");
    }

    @Test
    void malformedPickles() {
        Path underflow = zipWithPickle("underflow.bin", new TorchWriter.Pickle().proto(2).op('R').op('.').bytes());
        assertFails(() -> TorchFile.open(underflow), "stack underflow");
        Path memo = zipWithPickle("memo.bin", new TorchWriter.Pickle().proto(2).op('h').op(7).op('.').bytes());
        assertFails(() -> TorchFile.open(memo), "memo entry 7");
        Path noStop = zipWithPickle("nostop.bin", new TorchWriter.Pickle().proto(2).op('}').bytes());
        assertFails(() -> TorchFile.open(noStop), "pickle data ends unexpectedly", "truncated");
        Path hugeString = zipWithPickle("string.bin", new TorchWriter.Pickle().proto(2).op('X')
                .raw((byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f).op('.').bytes());
        assertFails(() -> TorchFile.open(hugeString), "2147483647 bytes runs past the end");
        // a list that contains itself, used as a dict key: hashing it would recurse forever
        Path cyclic = zipWithPickle("cyclic.bin", new TorchWriter.Pickle().proto(2).op('}').op(']').op('q').op(0)
                .op('h').op(0).op('a').mark().op('h').op(0).op('t').integer(1).op('s').op('.').bytes());
        assertFails(() -> TorchFile.open(cyclic), "cyclic");
        Path notDict = zipWithPickle("list.bin", new TorchWriter.Pickle().proto(2).op(']').op('.').bytes());
        assertFails(() -> TorchFile.open(notDict), "expected a state dict", "a list of 0");
        Path noTensors = zipWithPickle("notensors.bin", new TorchWriter.Pickle().proto(2).op('}')
                .unicode("state_dict").op('}').op('s').op('.').bytes());
        assertFails(() -> TorchFile.open(noTensors), "holds no tensors", "state_dict (a dict of 0)");
    }

    @Test
    void zipWithAMissingStorageEntry() {
        TorchWriter w = new TorchWriter().f32("albert.pooler.weight", shape(2, 2), 1, 2, 3, 4);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", w.statePickle(false));
        Path f = TorchWriter.write(tmp.resolve("missing.bin"), TorchWriter.zipArchive(entries, false));
        assertFails(() -> TorchFile.open(f), f.toString(), "'albert.pooler.weight'", "storage 'albert.pooler.weight#s'",
                "no entry 'archive/data/albert.pooler.weight#s'");
    }

    @Test
    void storageShorterThanDeclared() {
        TorchWriter w = new TorchWriter();
        w.storage("0", SafetensorsWriter.f32Bytes(1, 2), 4L);
        w.tensor("w", "FloatStorage", "0", 0, shape(4), shape(1));
        Path zip = TorchWriter.write(tmp.resolve("short.bin"), w.zip("archive", false));
        assertFails(() -> TorchFile.open(zip), zip.toString(), "'archive/data/0' is 8 bytes", "'w'",
                "F32 storage of 4 elements = 16 bytes");
        Path legacy = TorchWriter.write(tmp.resolve("short-legacy.bin"), w.legacy());
        assertFails(() -> TorchFile.open(legacy), legacy.toString(), "storage '0' needs 16 bytes", "truncated");
    }

    @Test
    void tensorReachingPastItsStorage() {
        TorchWriter w = new TorchWriter();
        w.storage("0", SafetensorsWriter.f32Bytes(1, 2, 3, 4), 4);
        w.tensor("w", "FloatStorage", "0", 3, shape(2), shape(1));
        Path f = TorchWriter.write(tmp.resolve("past.bin"), w.zip("archive", false));
        assertFails(() -> TorchFile.open(f), "'w'", "needs element 4 of a storage of only 4 elements");
        TorchWriter s = new TorchWriter();
        s.storage("0", SafetensorsWriter.f32Bytes(1, 2, 3, 4, 5, 6), 4);
        s.tensor("ok", "FloatStorage", "0", 0, shape(3, 2), shape(1, 3)); // last element 5: fits
        s.tensor("t", "FloatStorage", "0", 0, shape(3, 2), shape(1, 4)); // last element 2 + 4 = 6: does not
        Path g = TorchWriter.write(tmp.resolve("stride.bin"), s.zip("archive", false));
        assertFails(() -> TorchFile.open(g), "'t'", "strides [1, 4]", "needs element 6 of a storage of only 6 elements");
    }

    @Test
    void truncatedFiles() throws IOException {
        byte[] zip = bytes(Fixtures.modelDir("albert-tiny-pretraining").resolve("pytorch_model.bin"));
        Path cut = Files.write(tmp.resolve("cut.bin"), Arrays.copyOf(zip, zip.length / 2));
        assertFails(() -> TorchFile.open(cut), cut.toString(), "no end-of-central-directory record", "truncated");

        byte[] legacy = bytes(Fixtures.modelDir("albert-tiny-qa").resolve("pytorch_model.bin"));
        Path inData = Files.write(tmp.resolve("legacy-data.bin"), Arrays.copyOf(legacy, legacy.length - 100));
        assertFails(() -> TorchFile.open(inData), inData.toString(), "truncated");
        Path inPickle = Files.write(tmp.resolve("legacy-pickle.bin"), Arrays.copyOf(legacy, 1000));
        assertFails(() -> TorchFile.open(inPickle), "pickle data ends unexpectedly", "truncated");
    }

    @Test
    void legacyStorageCountDisagreeingWithTheStateDict() throws IOException {
        TorchWriter w = new TorchWriter().f32("w", shape(3), 1, 2, 3);
        byte[] bytes = w.legacy();
        // the storage's 8-byte element count sits just before its 12 data bytes, at the end of the file
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length - 12 - 8, 2);
        Path f = Files.write(tmp.resolve("count.bin"), bytes);
        assertFails(() -> TorchFile.open(f), "storage 'w#s'", "holds 2 elements", "declares 3");
    }

    @Test
    void corruptDataPickleFailsTheCrcCheck() throws IOException {
        byte[] zip = new TorchWriter().f32("weight", shape(1), 1).zip("archive", false);
        byte[] needle = "weight".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; ; i++) {
            if (Arrays.equals(zip, i, i + needle.length, needle, 0, needle.length)) {
                zip[i] = 'W';
                break;
            }
        }
        Path f = Files.write(tmp.resolve("crc.bin"), zip);
        assertFails(() -> TorchFile.open(f), "archive/data.pkl", "CRC-32 mismatch");
    }

    @Test
    void otherContainerProblems() throws IOException {
        Path text = Files.writeString(tmp.resolve("text.bin"), "hello, world");
        assertFails(() -> TorchFile.open(text), text.toString(), "not a PyTorch checkpoint", "68656c6c");
        Path empty = Files.write(tmp.resolve("empty.bin"), new byte[0]);
        assertFails(() -> TorchFile.open(empty), "file is empty");

        ByteArrayOutputStream deflated = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(deflated)) {
            z.putNextEntry(new ZipEntry("archive/data.pkl"));
            z.write(new TorchWriter().f32("w", shape(1), 1).statePickle(false));
            z.closeEntry();
        }
        Path compressed = Files.write(tmp.resolve("deflated.bin"), deflated.toByteArray());
        assertFails(() -> TorchFile.open(compressed), "'archive/data.pkl' is compressed");

        Map<String, byte[]> bigEndian = new LinkedHashMap<>();
        bigEndian.put("archive/data.pkl", new TorchWriter().f32("w", shape(1), 1).statePickle(false));
        bigEndian.put("archive/byteorder", "big".getBytes(StandardCharsets.US_ASCII));
        Path big = TorchWriter.write(tmp.resolve("big.bin"), TorchWriter.zipArchive(bigEndian, false));
        assertFails(() -> TorchFile.open(big), "byte order 'big'");

        Map<String, byte[]> noPickle = Map.of("archive/version", new byte[]{'3'});
        Path none = TorchWriter.write(tmp.resolve("nopickle.bin"), TorchWriter.zipArchive(noPickle, false));
        assertFails(() -> TorchFile.open(none), "expected one '<dir>/data.pkl'", "found none");

        Path lfs = Files.writeString(tmp.resolve("lfs.bin"), "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n");
        assertFails(() -> TorchFile.open(lfs), "Git LFS pointer");
        assertThrows(AlbertException.class, () -> TorchFile.open(tmp.resolve("absent.bin")));
    }

    /** Encrypted or otherwise unsupported zip entries are refused, not read as garbage. */
    @ParameterizedTest(name = "flags 0x{0}")
    @CsvSource({"0001, is encrypted", "0041, is encrypted", "2000, is encrypted", "0020, unsupported general-purpose flags 0x20",
            "0010, unsupported general-purpose flags 0x10"})
    void refusesEncryptedAndUnsupportedZipEntries(String hexFlags, String expected) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", new TorchWriter.Pickle().proto(2).op('}').op('.').bytes());
        byte[] zip = TorchWriter.zipArchive(entries, false);
        int central = new String(zip, StandardCharsets.ISO_8859_1).indexOf("PK\u0001\u0002");
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putShort(central + 8, (short) Integer.parseInt(hexFlags, 16));
        Path f = TorchWriter.write(tmp.resolve("flags-" + hexFlags + ".bin"), zip);
        assertFails(() -> TorchFile.open(f), f.toString(), "zip entry 'archive/data.pkl'", expected);
    }
}
