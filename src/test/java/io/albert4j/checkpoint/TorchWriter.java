package io.albert4j.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Test utility: writes PyTorch checkpoints the way {@code torch.save} does (pickle protocol 2, zip or
 * legacy container), from a list of tensor views over raw storages, and hand-built pickles.
 */
final class TorchWriter {

    /** A tensor: a view into storage {@code storageKey}. */
    record T(String key, String storageType, String storageKey, long offset, long[] shape, long[] stride) {
    }

    private final List<T> tensors = new ArrayList<>();
    private final Map<String, byte[]> storages = new LinkedHashMap<>();
    private final Map<String, Long> storageElements = new LinkedHashMap<>();
    boolean orderedDictWithMetadata;
    boolean asParameters;
    /** Legacy only: tensor key -> (view offset, view size) of its storage, written as view_metadata. */
    final Map<String, long[]> legacyViews = new LinkedHashMap<>();

    TorchWriter storage(String key, byte[] data, int elementSize) {
        storages.put(key, data);
        storageElements.put(key, (long) data.length / elementSize);
        return this;
    }

    /** Declares a storage with an element count that may disagree with its bytes. */
    TorchWriter storage(String key, byte[] data, long declaredElements) {
        storages.put(key, data);
        storageElements.put(key, declaredElements);
        return this;
    }

    TorchWriter tensor(String key, String storageType, String storageKey, long offset, long[] shape, long[] stride) {
        tensors.add(new T(key, storageType, storageKey, offset, shape, stride));
        return this;
    }

    /** A contiguous F32 tensor with its own storage. */
    TorchWriter f32(String key, long[] shape, float... values) {
        storage(key + "#s", SafetensorsWriter.f32Bytes(values), 4);
        return tensor(key, "FloatStorage", key + "#s", 0, shape, StoredTensor.rowMajorStrides(shape));
    }

    byte[] statePickle(boolean legacy) {
        Pickle p = new Pickle().proto(2);
        if (orderedDictWithMetadata) {
            p.global("collections", "OrderedDict").emptyTuple().op('R');
        } else {
            p.op('}');
        }
        p.mark();
        for (T t : tensors) {
            p.unicode(t.key);
            if (asParameters) {
                p.global("torch._utils", "_rebuild_parameter").mark();
            }
            p.global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark().unicode("storage").global("torch", t.storageType).unicode(t.storageKey).unicode("cpu")
                    .integer(storageElements.get(t.storageKey));
            if (legacy && legacyViews.containsKey(t.key)) {
                long[] view = legacyViews.get(t.key);
                p.mark().unicode(t.storageKey + "-view").integer(view[0]).integer(view[1]).op('t');
            } else if (legacy) {
                p.op('N');
            }
            p.op('t').op('Q');
            p.integer(t.offset).ints(t.shape).ints(t.stride).op(0x89)
                    .global("collections", "OrderedDict").emptyTuple().op('R').op('t').op('R');
            if (asParameters) {
                p.op(0x89).global("collections", "OrderedDict").emptyTuple().op('R').op('t').op('R');
            }
        }
        p.op('u');
        if (orderedDictWithMetadata) {
            // state: {'_metadata': OrderedDict([('', {'version': 1})])}, then BUILD
            p.op('}').unicode("_metadata").global("collections", "OrderedDict").emptyTuple().op('R')
                    .unicode("").op('}').unicode("version").integer(1).op('s').op('s').op('s').op('b');
        }
        return p.op('.').bytes();
    }

    /** The zip format of torch.save (PyTorch 1.6+), with the given top-level directory. */
    byte[] zip(String dir, boolean zip64) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(dir + "/data.pkl", statePickle(false));
        storages.forEach((k, v) -> entries.put(dir + "/data/" + k, v));
        entries.put(dir + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zipArchive(entries, zip64);
    }

    /** The legacy (pre-1.6) format: magic, protocol, sys_info, state dict, key list, storages. */
    byte[] legacy() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new Pickle().proto(2).integer(TorchFile.LEGACY_MAGIC).op('.').bytes());
        out.writeBytes(new Pickle().proto(2).integer(1001).op('.').bytes());
        out.writeBytes(new Pickle().proto(2).op('}').mark().unicode("protocol_version").integer(1001)
                .unicode("little_endian").op(0x88).op('u').op('.').bytes());
        out.writeBytes(statePickle(true));
        TreeMap<String, byte[]> sorted = new TreeMap<>(storages);
        Pickle keys = new Pickle().proto(2).op(']').mark();
        sorted.keySet().forEach(keys::unicode);
        out.writeBytes(keys.op('e').op('.').bytes());
        sorted.forEach((k, v) -> {
            out.writeBytes(SafetensorsWriter.longBytes(storageElements.get(k)));
            out.writeBytes(v);
        });
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An uncompressed zip archive, optionally with every size and offset in ZIP64 records. */
    static byte[] zipArchive(Map<String, byte[]> entries, boolean zip64) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream central = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] data = e.getValue();
            CRC32 crc = new CRC32();
            crc.update(data);
            long offset = out.size();
            ByteBuffer local = le(30 + name.length + 4);
            local.putInt(0x04034b50).putShort((short) 45).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt((int) crc.getValue()).putInt(data.length).putInt(data.length)
                    .putShort((short) name.length).putShort((short) 4).put(name)
                    .putShort((short) 0xcafe).putShort((short) 0); // an extra field to skip, like PyTorch's padding
            out.writeBytes(local.array());
            out.writeBytes(data);
            ByteBuffer c = le(46 + name.length + (zip64 ? 28 : 0));
            c.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0).putShort((short) 0)
                    .putInt(0).putInt((int) crc.getValue())
                    .putInt(zip64 ? -1 : data.length).putInt(zip64 ? -1 : data.length)
                    .putShort((short) name.length).putShort((short) (zip64 ? 28 : 0)).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) offset).put(name);
            if (zip64) {
                c.putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(data.length).putLong(offset);
            }
            central.writeBytes(c.array());
        }
        long cdOffset = out.size();
        out.writeBytes(central.toByteArray());
        long cdEnd = out.size();
        if (zip64) {
            ByteBuffer rec = le(56);
            rec.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(entries.size()).putLong(entries.size()).putLong(central.size()).putLong(cdOffset);
            out.writeBytes(rec.array());
            ByteBuffer loc = le(20);
            loc.putInt(0x07064b50).putInt(0).putLong(cdEnd).putInt(1);
            out.writeBytes(loc.array());
        }
        ByteBuffer eocd = le(22);
        eocd.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) (zip64 ? -1 : entries.size())).putShort((short) (zip64 ? -1 : entries.size()))
                .putInt(zip64 ? -1 : central.size()).putInt(zip64 ? -1 : (int) cdOffset).putShort((short) 0);
        out.writeBytes(eocd.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Hand-assembles pickle opcodes. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle raw(byte... bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Pickle proto(int v) {
            return op(0x80).op(v);
        }

        Pickle mark() {
            return op('(');
        }

        Pickle emptyTuple() {
            return op(')');
        }

        Pickle unicode(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            out.writeBytes(le(4).putInt(b.length).array());
            out.writeBytes(b);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                return op('K').op((int) v);
            }
            if (v >= 0 && v < 65536) {
                op('M');
                out.writeBytes(le(2).putShort((short) v).array());
                return this;
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                out.writeBytes(le(4).putInt((int) v).array());
                return this;
            }
            return integer(BigInteger.valueOf(v));
        }

        /** LONG1: little-endian two's complement. */
        Pickle integer(BigInteger v) {
            byte[] be = v.toByteArray();
            op(0x8a).op(be.length);
            for (int i = be.length - 1; i >= 0; i--) {
                out.write(be[i]);
            }
            return this;
        }

        Pickle ints(long... values) {
            mark();
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
