package io.albert4j.checkpoint;

import io.albert4j.AlbertException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The central directory of a zip archive (PyTorch's checkpoint container), read straight from the
 * file so that each entry's data can be memory-mapped in place: {@link java.util.zip.ZipFile} does
 * not reveal where an entry's bytes lie. Handles ZIP64 (which PyTorch always writes) and validates
 * every offset and size against the file. Stored (uncompressed) entries only can be mapped; the
 * caller refuses compressed ones.
 *
 * <p>Immutable after construction and thread-safe.
 */
final class ZipDirectory {
    /** One entry: where its bytes start in the file and how many there are. */
    record Entry(String name, int method, long compressedSize, long size, long crc32, long dataStart) {
        boolean isStored() {
            return method == 0;
        }
    }

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
    private static final int ZIP64_EOCD_SIGNATURE = 0x06064b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int LOCAL_SIGNATURE = 0x04034b50;
    private static final int MAX_ENTRIES = 10_000_000;

    private final String file;
    private final Map<String, Entry> entries;

    private ZipDirectory(String file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = Collections.unmodifiableMap(entries);
    }

    Map<String, Entry> entries() {
        return entries;
    }

    static ZipDirectory read(FileChannel channel, String file) throws IOException {
        long size = channel.size();
        // the end-of-central-directory record is 22 bytes plus a comment of at most 65535 bytes
        int tailLength = (int) Math.min(size, 22 + 65535);
        ByteBuffer tail = FileAccess.read(channel, size - tailLength, tailLength);
        int eocd = -1;
        for (int i = tailLength - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD_SIGNATURE && i + 22 + (tail.getShort(i + 20) & 0xffff) == tailLength) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new AlbertException(file + ": zip archive has no end-of-central-directory record; "
                    + "the file is truncated or not a zip archive");
        }
        long eocdPosition = size - tailLength + eocd;
        long entryCount = tail.getShort(eocd + 10) & 0xffff;
        long directorySize = tail.getInt(eocd + 12) & 0xffffffffL;
        long directoryOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        if (eocdPosition >= 20) {
            ByteBuffer locator = FileAccess.read(channel, eocdPosition - 20, 20);
            if (locator.getInt(0) == ZIP64_LOCATOR_SIGNATURE) {
                long zip64Position = locator.getLong(8);
                if (zip64Position < 0 || zip64Position > eocdPosition - 20 - 56) {
                    throw new AlbertException(file + ": ZIP64 end record offset " + zip64Position + " lies outside the file");
                }
                ByteBuffer zip64 = FileAccess.read(channel, zip64Position, 56);
                if (zip64.getInt(0) != ZIP64_EOCD_SIGNATURE) {
                    throw new AlbertException(file + ": bad ZIP64 end record signature at byte " + zip64Position);
                }
                entryCount = zip64.getLong(32);
                directorySize = zip64.getLong(40);
                directoryOffset = zip64.getLong(48);
            }
        }
        if (entryCount < 0 || entryCount > MAX_ENTRIES || directorySize < 0 || directoryOffset < 0
                || directoryOffset > size || directorySize > size - directoryOffset || directorySize > Integer.MAX_VALUE) {
            throw new AlbertException(file + ": zip central directory (" + entryCount + " entries, " + directorySize
                    + " bytes at " + directoryOffset + ") does not fit in the file (" + size + " bytes); truncated?");
        }
        ByteBuffer dir = FileAccess.read(channel, directoryOffset, (int) directorySize);
        Map<String, Entry> entries = new LinkedHashMap<>();
        int p = 0;
        for (long n = 0; n < entryCount; n++) {
            if (p + 46 > dir.limit() || dir.getInt(p) != CENTRAL_SIGNATURE) {
                throw new AlbertException(file + ": zip central directory entry " + n + " is malformed");
            }
            int flags = dir.getShort(p + 8) & 0xffff;
            int method = dir.getShort(p + 10) & 0xffff;
            long crc = dir.getInt(p + 16) & 0xffffffffL;
            long compressedSize = dir.getInt(p + 20) & 0xffffffffL;
            long uncompressedSize = dir.getInt(p + 24) & 0xffffffffL;
            int nameLength = dir.getShort(p + 28) & 0xffff;
            int extraLength = dir.getShort(p + 30) & 0xffff;
            int commentLength = dir.getShort(p + 32) & 0xffff;
            long localOffset = dir.getInt(p + 42) & 0xffffffffL;
            int end = p + 46 + nameLength + extraLength + commentLength;
            if (end > dir.limit()) {
                throw new AlbertException(file + ": zip central directory entry " + n + " runs past the directory");
            }
            byte[] nameBytes = new byte[nameLength];
            dir.get(p + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            checkFlags(flags, name, file);
            // ZIP64 extended information: the fields that overflowed, in this order
            int q = p + 46 + nameLength;
            int extraEnd = q + extraLength;
            while (q + 4 <= extraEnd) {
                int id = dir.getShort(q) & 0xffff;
                int length = dir.getShort(q + 2) & 0xffff;
                if (q + 4 + length > extraEnd) {
                    break;
                }
                if (id == 0x0001) {
                    int r = q + 4;
                    if (uncompressedSize == 0xffffffffL && r + 8 <= q + 4 + length) {
                        uncompressedSize = dir.getLong(r);
                        r += 8;
                    }
                    if (compressedSize == 0xffffffffL && r + 8 <= q + 4 + length) {
                        compressedSize = dir.getLong(r);
                        r += 8;
                    }
                    if (localOffset == 0xffffffffL && r + 8 <= q + 4 + length) {
                        localOffset = dir.getLong(r);
                    }
                }
                q += 4 + length;
            }
            if (localOffset < 0 || compressedSize < 0 || uncompressedSize < 0 || localOffset > size - 30) {
                throw new AlbertException(file + ": zip entry " + AlbertException.quote(name) + " has a local header offset " + localOffset
                        + " outside the file (" + size + " bytes)");
            }
            ByteBuffer local = FileAccess.read(channel, localOffset, 30);
            if (local.getInt(0) != LOCAL_SIGNATURE) {
                throw new AlbertException(file + ": zip entry " + AlbertException.quote(name) + " has no local header at byte " + localOffset);
            }
            long dataStart = localOffset + 30 + (local.getShort(26) & 0xffff) + (local.getShort(28) & 0xffff);
            if (dataStart > size || compressedSize > size - dataStart) {
                throw new AlbertException(file + ": zip entry " + AlbertException.quote(name) + " (" + compressedSize + " bytes at byte "
                        + dataStart + ") runs past the end of the file (" + size + " bytes); truncated?");
            }
            if (method == 0 && compressedSize != uncompressedSize) {
                throw new AlbertException(file + ": stored zip entry " + AlbertException.quote(name) + " has compressed size "
                        + compressedSize + " but size " + uncompressedSize);
            }
            if (entries.put(name, new Entry(name, method, compressedSize, uncompressedSize, crc, dataStart)) != null) {
                throw new AlbertException(file + ": zip archive has two entries named " + AlbertException.quote(name));
            }
            p = end;
        }
        return new ZipDirectory(file, entries);
    }

    /**
     * General-purpose flags this reader can honour: compression options (bits 1-2), a trailing data
     * descriptor (bit 3, sizes are taken from the central directory) and UTF-8 names (bit 11).
     * Encryption (bits 0, 6, 13), patched data (bit 5) and reserved bits mean bytes this reader cannot
     * interpret, so the entry is refused rather than read as garbage.
     */
    private static final int SUPPORTED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800;

    private static void checkFlags(int flags, String name, String file) {
        if ((flags & (0x0001 | 0x0040 | 0x2000)) != 0) {
            throw new AlbertException(file + ": zip entry " + AlbertException.quote(name)
                    + " is encrypted (general-purpose flags 0x" + Integer.toHexString(flags) + "); not supported");
        }
        if ((flags & ~SUPPORTED_FLAGS) != 0) {
            throw new AlbertException(file + ": zip entry " + AlbertException.quote(name)
                    + " has unsupported general-purpose flags 0x" + Integer.toHexString(flags & ~SUPPORTED_FLAGS)
                    + " (supported: 0x" + Integer.toHexString(SUPPORTED_FLAGS) + ")");
        }
    }

    @Override
    public String toString() {
        return file + " (" + entries.size() + " zip entries)";
    }
}
