package io.albert4j.checkpoint;

import io.albert4j.AlbertException;
import io.albert4j.checkpoint.Unpickler.Global;
import io.albert4j.checkpoint.Unpickler.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Opens a {@code pytorch_model.bin} written by {@code torch.save}, without Python and without
 * executing anything from the file. Two containers exist:
 * <ul>
 *   <li>the zip format (PyTorch 1.6 and later): {@code <dir>/data.pkl} holds the pickled state dict
 *       and {@code <dir>/data/<key>} each storage's raw little-endian bytes; the top-level directory
 *       name varies;</li>
 *   <li>the legacy format (before 1.6): consecutive pickles (magic number, protocol version,
 *       sys_info, the state dict, the sorted list of storage keys), then each storage as an 8-byte
 *       little-endian element count followed by its bytes, in that key order.</li>
 * </ul>
 * The state dict is read by the restricted {@link Unpickler}: the only globals it accepts are
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor}, {@code _rebuild_tensor_v2},
 * {@code _rebuild_parameter}, {@code _rebuild_parameter_with_state} and the typed storage classes
 * ({@code torch.FloatStorage}, {@code HalfStorage}, {@code BFloat16Storage}, {@code DoubleStorage},
 * and the integer/bool ones, whose tensors are listed but cannot be read as float32). Anything else is
 * refused, naming the global. Every storage is checked against the bytes the file actually holds, and
 * every tensor view (offset, shape, strides) against its storage.
 *
 * <p>Stateless and thread-safe.
 */
final class TorchFile {
    private static final Logger LOG = LoggerFactory.getLogger(TorchFile.class);

    static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long LEGACY_PROTOCOL_VERSION = 1001;

    private static final Map<String, DType> STORAGE_TYPES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8,
            "BoolStorage", DType.BOOL);

    private static final String ALLOWED = "collections.OrderedDict, torch._utils._rebuild_tensor_v2, "
            + "torch._utils._rebuild_tensor, torch._utils._rebuild_parameter, "
            + "torch._utils._rebuild_parameter_with_state, torch.<Type>Storage";

    private TorchFile() {
    }

    /** The stand-in for a storage class such as torch.FloatStorage. */
    record StorageType(String name, DType dtype) {
        @Override
        public String toString() {
            return "torch." + name;
        }
    }

    /** A storage (or legacy view of one) that a persistent id names. */
    record StorageRef(String key, DType dtype, long elements, long viewOffset) {
        @Override
        public String toString() {
            return "storage " + AlbertException.quote(key);
        }
    }

    /** A tensor as _rebuild_tensor_v2 describes it. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] strides) {
        @Override
        public String toString() {
            return "tensor " + Arrays.toString(shape);
        }
    }

    private record Declared(DType dtype, long elements) {
    }

    static MappedCheckpoint open(Path path) {
        String file = path.toString();
        FileChannel channel = FileAccess.openChannel(path);
        try {
            long size = channel.size();
            if (size == 0) {
                throw new AlbertException(file + ": file is empty");
            }
            if (FileAccess.isLfsPointer(channel)) {
                throw FileAccess.lfsPointer(file);
            }
            ByteBuffer head = FileAccess.read(channel, 0, (int) Math.min(4, size));
            Map<String, StoredTensor> tensors;
            if (size >= 4 && head.getInt(0) == 0x04034b50) {
                tensors = openZip(channel, file);
            } else if ((head.get(0) & 0xff) == 0x80) {
                tensors = openLegacy(channel, file);
            } else {
                throw new AlbertException(file + ": not a PyTorch checkpoint (neither a zip archive nor a legacy "
                        + "pickle stream; first bytes " + hex(head) + ")");
            }
            LOG.debug("{}: {} tensors", file, tensors.size());
            return new MappedCheckpoint(file, tensors, List.of(channel));
        } catch (IOException e) {
            MappedCheckpoint.closeAll(List.of(channel));
            throw new AlbertException(file + ": cannot read PyTorch checkpoint: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            MappedCheckpoint.closeAll(List.of(channel));
            throw e;
        }
    }

    private static String hex(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.limit(); i++) {
            sb.append(String.format("%02x", b.get(i) & 0xff));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- zip format

    private static Map<String, StoredTensor> openZip(FileChannel channel, String file) throws IOException {
        ZipDirectory zip = ZipDirectory.read(channel, file);
        List<String> pickles = new ArrayList<>();
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.equals(name.substring(0, slash) + "/data.pkl")) {
                pickles.add(name);
            }
        }
        if (pickles.size() != 1) {
            throw new AlbertException(file + ": expected one '<dir>/data.pkl' in the zip archive, found "
                    + (pickles.isEmpty() ? "none" : pickles) + "; not a torch.save checkpoint");
        }
        String pickleName = pickles.get(0);
        String prefix = pickleName.substring(0, pickleName.length() - "data.pkl".length());
        String where = file + " (" + pickleName + ")";

        ZipDirectory.Entry byteOrder = zip.entries().get(prefix + "byteorder");
        if (byteOrder != null) {
            String order = new String(entryBytes(channel, file, byteOrder, 64).array(), StandardCharsets.US_ASCII).trim();
            if (!order.equals("little")) {
                throw new AlbertException(file + ": storages are stored with byte order " + AlbertException.quote(order)
                        + "; only 'little' is supported");
            }
        }
        ZipDirectory.Entry pickleEntry = zip.entries().get(pickleName);
        ByteBuffer pickle = entryBytes(channel, file, pickleEntry, Integer.MAX_VALUE - 8);
        CRC32 crc = new CRC32();
        crc.update(pickle.duplicate());
        if (crc.getValue() != pickleEntry.crc32()) {
            throw new AlbertException(where + ": CRC-32 mismatch (stored " + Long.toHexString(pickleEntry.crc32())
                    + ", computed " + Long.toHexString(crc.getValue()) + "); the file is corrupt");
        }
        Map<String, Declared> declared = new HashMap<>();
        Object root = new Unpickler(pickle, where, globals(where), pid -> loadPersistent(pid, declared, where, false)).load();
        Map<String, TensorRef> refs = stateDict(root, where);

        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            String key = e.getKey();
            TensorRef ref = e.getValue();
            StorageRef storage = ref.storage();
            String entryName = prefix + "data/" + storage.key();
            ZipDirectory.Entry data = zip.entries().get(entryName);
            if (data == null) {
                throw new AlbertException(file + ": tensor " + AlbertException.quote(key) + " needs storage " + AlbertException.quote(storage.key())
                        + ", but the archive has no entry " + AlbertException.quote(entryName) + "; the file is truncated or corrupt");
            }
            if (!data.isStored()) {
                throw new AlbertException(file + ": storage entry " + AlbertException.quote(entryName) + " is compressed (zip method "
                        + data.method() + "); PyTorch stores storages uncompressed, re-save the checkpoint");
            }
            Declared d = declared.get(storage.key());
            long needed = Math.multiplyExact(d.elements(), d.dtype().byteSize());
            if (data.size() < needed) {
                throw new AlbertException(file + ": storage entry " + AlbertException.quote(entryName) + " is " + data.size()
                        + " bytes, but tensor " + AlbertException.quote(key) + " declares a " + d.dtype() + " storage of " + d.elements()
                        + " elements = " + needed + " bytes; the file is truncated or corrupt");
            }
            tensors.put(key, toStored(key, ref, channel, file, data.dataStart()));
        }
        return tensors;
    }

    private static ByteBuffer entryBytes(FileChannel channel, String file, ZipDirectory.Entry entry, int limit)
            throws IOException {
        if (!entry.isStored()) {
            throw new AlbertException(file + ": zip entry " + AlbertException.quote(entry.name()) + " is compressed (method "
                    + entry.method() + "); PyTorch writes uncompressed archives, re-save the checkpoint");
        }
        if (entry.size() > limit) {
            throw new AlbertException(file + ": zip entry " + AlbertException.quote(entry.name()) + " is " + entry.size()
                    + " bytes, more than the " + limit + " expected");
        }
        return FileAccess.read(channel, entry.dataStart(), (int) entry.size());
    }

    // ---------------------------------------------------------------- legacy format

    private static Map<String, StoredTensor> openLegacy(FileChannel channel, String file) throws IOException {
        long size = channel.size();
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, Integer.MAX_VALUE));
        try {
            Unpickler.Globals noGlobals = g -> {
                throw refused(file + " (legacy header)", g);
            };
            Unpickler.PersistentLoader noPids = pid -> {
                throw new AlbertException(file + ": unexpected persistent id in the legacy header");
            };
            Object magic = new Unpickler(mapped, file + " (magic number)", noGlobals, noPids).load();
            if (!LEGACY_MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
                throw new AlbertException(file + ": not a PyTorch checkpoint: the legacy magic number is "
                        + Unpickler.describe(magic) + ", expected 0x" + LEGACY_MAGIC.toString(16));
            }
            Object protocol = new Unpickler(mapped, file + " (protocol version)", noGlobals, noPids).load();
            if (!Long.valueOf(LEGACY_PROTOCOL_VERSION).equals(protocol)) {
                throw new AlbertException(file + ": legacy protocol version " + Unpickler.describe(protocol)
                        + " is not supported (expected " + LEGACY_PROTOCOL_VERSION + ")");
            }
            Object sysInfo = new Unpickler(mapped, file + " (sys_info)", noGlobals, noPids).load();
            if (!(sysInfo instanceof Map<?, ?> info) || !Boolean.TRUE.equals(info.get("little_endian"))) {
                throw new AlbertException(file + ": the checkpoint was not saved on a little-endian machine "
                        + "(sys_info " + Unpickler.describe(sysInfo) + "); only little-endian is supported");
            }
            String where = file + " (legacy state dict pickle)";
            Map<String, Declared> declared = new HashMap<>();
            Object root = new Unpickler(mapped, where, globals(where), pid -> loadPersistent(pid, declared, where, true)).load();
            Map<String, TensorRef> refs = stateDict(root, where);
            Object keyList = new Unpickler(mapped, file + " (storage key list)", noGlobals, noPids).load();
            if (!(keyList instanceof List<?> keys)) {
                throw new AlbertException(file + ": expected the list of storage keys after the state dict, found "
                        + Unpickler.describe(keyList));
            }
            Map<String, Long> storageStarts = new HashMap<>();
            long offset = mapped.position();
            for (Object k : keys) {
                if (!(k instanceof String key)) {
                    throw new AlbertException(file + ": storage key list holds " + Unpickler.describe(k) + ", not a string");
                }
                Declared d = declared.get(key);
                if (d == null) {
                    throw new AlbertException(file + ": storage " + AlbertException.quote(key) + " is listed but no tensor uses it");
                }
                if (storageStarts.containsKey(key)) {
                    throw new AlbertException(file + ": storage " + AlbertException.quote(key) + " is listed twice");
                }
                if (offset > size - 8) {
                    throw new AlbertException(file + ": file ends at byte " + size + " before storage " + AlbertException.quote(key)
                            + " (expected at byte " + offset + "); truncated?");
                }
                long count = FileAccess.read(channel, offset, 8).getLong();
                if (count != d.elements()) {
                    throw new AlbertException(file + ": storage " + AlbertException.quote(key) + " at byte " + offset + " holds " + count
                            + " elements, but the state dict declares " + d.elements() + "; the file is corrupt");
                }
                long bytes = Math.multiplyExact(count, d.dtype().byteSize());
                if (bytes > size - offset - 8) {
                    throw new AlbertException(file + ": storage " + AlbertException.quote(key) + " needs " + bytes + " bytes from byte "
                            + (offset + 8) + ", but the file ends at byte " + size + "; truncated?");
                }
                storageStarts.put(key, offset + 8);
                offset += 8 + bytes;
            }
            Set<String> missing = new HashSet<>(declared.keySet());
            missing.removeAll(storageStarts.keySet());
            if (!missing.isEmpty()) {
                throw new AlbertException(file + ": storages " + missing + " are used by tensors but not stored in the file");
            }
            if (offset != size) {
                LOG.debug("{}: {} bytes after the last storage ignored", file, size - offset);
            }
            Map<String, StoredTensor> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                tensors.put(e.getKey(), toStored(e.getKey(), e.getValue(), channel, file,
                        storageStarts.get(e.getValue().storage().key())));
            }
            return tensors;
        } finally {
            StoredTensor.Unmapper.unmap(mapped);
        }
    }

    // ---------------------------------------------------------------- shared

    private static StoredTensor toStored(String key, TensorRef ref, FileChannel channel, String file, long rootStart) {
        StorageRef storage = ref.storage();
        DType dtype = storage.dtype();
        TensorInfo info = new TensorInfo(key, dtype, ref.shape());
        try {
            info.byteCount();
        } catch (ArithmeticException e) {
            throw new AlbertException(file + ": tensor " + AlbertException.quote(key) + " has shape " + info.shapeString() + " whose size overflows");
        }
        long storageStart = rootStart + storage.viewOffset() * dtype.byteSize();
        return StoredTensor.view(info, channel, file, storageStart, storage.elements(), ref.offset(), ref.strides(),
                "tensor " + AlbertException.quote(key));
    }

    private static AlbertException refused(String where, Global g) {
        return new AlbertException(where + ": the pickle references the global " + AlbertException.quote(String.valueOf(g))
                + ", which a state dict does not need (allowed: " + ALLOWED + "); refusing to load it. "
                + "The file may be malicious; nothing from it was executed");
    }

    /** The allow-list: inert stand-ins for the few globals a state dict pickle names. */
    private static Unpickler.Globals globals(String where) {
        return g -> {
            if (g.module().equals("collections") && g.name().equals("OrderedDict")) {
                return (Unpickler.Callable) args -> {
                    if (args.size() != 0) {
                        throw new AlbertException(where + ": OrderedDict called with arguments " + args);
                    }
                    return new LinkedHashMap<>();
                };
            }
            if (g.module().equals("torch._utils")) {
                switch (g.name()) {
                    case "_rebuild_tensor_v2", "_rebuild_tensor" -> {
                        return (Unpickler.Callable) args -> rebuildTensor(args, where, g);
                    }
                    case "_rebuild_parameter", "_rebuild_parameter_with_state" -> {
                        return (Unpickler.Callable) args -> {
                            if (args.size() < 1 || !(args.get(0) instanceof TensorRef)) {
                                throw new AlbertException(where + ": " + g + " expects a tensor, got " + args);
                            }
                            return args.get(0);
                        };
                    }
                    default -> {
                    }
                }
            }
            if (g.module().equals("torch") && STORAGE_TYPES.containsKey(g.name())) {
                return new StorageType(g.name(), STORAGE_TYPES.get(g.name()));
            }
            throw refused(where, g);
        };
    }

    private static TensorRef rebuildTensor(Tuple args, String where, Global g) {
        if (args.size() < 4) {
            throw new AlbertException(where + ": " + g + " expects (storage, offset, size, stride, ...), got " + args);
        }
        if (!(args.get(0) instanceof StorageRef storage)) {
            throw new AlbertException(where + ": " + g + " expects a storage first, got " + Unpickler.describe(args.get(0)));
        }
        long offset = nonNegative(args.get(1), where, "storage offset");
        long[] shape = longs(args.get(2), where, "size");
        long[] strides = longs(args.get(3), where, "stride");
        return new TensorRef(storage, offset, shape, strides);
    }

    private static long nonNegative(Object o, String where, String what) {
        if (!(o instanceof Long l) || l < 0) {
            throw new AlbertException(where + ": tensor " + what + " must be a non-negative integer, got "
                    + Unpickler.describe(o));
        }
        return l;
    }

    private static long[] longs(Object o, String where, String what) {
        if (!(o instanceof Tuple t)) {
            throw new AlbertException(where + ": tensor " + what + " must be a tuple, got " + Unpickler.describe(o));
        }
        long[] values = new long[t.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = nonNegative(t.get(i), where, what + " entry");
        }
        return values;
    }

    /** persistent_load: ('storage', type, key, location, numel) or, legacy, with a sixth view_metadata item. */
    private static StorageRef loadPersistent(Object pid, Map<String, Declared> declared, String where, boolean legacy) {
        if (!(pid instanceof Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))
                || (legacy ? t.size() != 6 : t.size() != 5)) {
            throw new AlbertException(where + ": unsupported persistent id " + Unpickler.describe(pid)
                    + " (expected ('storage', type, key, location, size" + (legacy ? ", view" : "") + "))");
        }
        if (!(t.get(1) instanceof StorageType type)) {
            throw new AlbertException(where + ": persistent id names storage type " + Unpickler.describe(t.get(1)));
        }
        if (!(t.get(2) instanceof String key)) {
            throw new AlbertException(where + ": storage key must be a string, got " + Unpickler.describe(t.get(2)));
        }
        long elements = nonNegative(t.get(4), where, "storage size");
        Declared d = new Declared(type.dtype(), elements);
        Declared previous = declared.putIfAbsent(key, d);
        if (previous != null && !previous.equals(d)) {
            throw new AlbertException(where + ": storage " + AlbertException.quote(key) + " is declared as " + previous.dtype() + " x "
                    + previous.elements() + " and as " + d.dtype() + " x " + d.elements());
        }
        try {
            Math.multiplyExact(elements, type.dtype().byteSize());
        } catch (ArithmeticException e) {
            throw new AlbertException(where + ": storage " + AlbertException.quote(key) + " size " + elements + " overflows");
        }
        if (legacy && t.get(5) != Unpickler.NONE) {
            // a view of a larger storage: (view_key, offset, size), in elements
            if (!(t.get(5) instanceof Tuple view) || view.size() != 3) {
                throw new AlbertException(where + ": malformed storage view " + Unpickler.describe(t.get(5)));
            }
            long viewOffset = nonNegative(view.get(1), where, "storage view offset");
            long viewSize = nonNegative(view.get(2), where, "storage view size");
            if (viewOffset > elements || viewSize > elements - viewOffset) {
                throw new AlbertException(where + ": storage view [" + viewOffset + ", +" + viewSize
                        + ") lies outside storage " + AlbertException.quote(key) + " of " + elements + " elements");
            }
            return new StorageRef(key, type.dtype(), viewSize, viewOffset);
        }
        return new StorageRef(key, type.dtype(), elements, 0);
    }

    private static Map<String, TensorRef> stateDict(Object root, String where) {
        if (!(root instanceof Map<?, ?> map)) {
            throw new AlbertException(where + ": expected a state dict (a dict of tensors), found " + Unpickler.describe(root));
        }
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new AlbertException(where + ": state dict key " + Unpickler.describe(e.getKey()) + " is not a string");
            }
            if (e.getValue() instanceof TensorRef ref) {
                refs.put(key, ref);
            } else {
                skipped.add(key + " (" + Unpickler.describe(e.getValue()) + ")");
            }
        }
        if (refs.isEmpty()) {
            throw new AlbertException(where + ": the pickled dict holds no tensors"
                    + (skipped.isEmpty() ? "" : "; its entries are " + skipped));
        }
        if (!skipped.isEmpty()) {
            LOG.warn("{}: ignoring {} entries that are not tensors: {}", where, skipped.size(), skipped);
        }
        return refs;
    }
}
