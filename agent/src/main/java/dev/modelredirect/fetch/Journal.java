package dev.modelredirect.fetch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The record of which bytes of a parallel download are on disk, kept in a trailer of the temporary file after its
 * {@code size} bytes of data: {@code "MRPARTS2"} and the size (8 bytes), then entries of 20 bytes, each a written
 * range {@code [start, end)} (8 + 8 bytes) and the CRC-32 of those 16 bytes.
 *
 * <p>Crash safety: living in the same file, the record moves with the data in the one rename that claims a partial
 * download, so a kill can never separate them. An entry is appended only after its bytes were written, and every
 * entry is a true fact on its own (data under a recorded range is never written again), so entries left from before
 * a rewrite, or a torn last entry (its CRC fails; reading stops there), never claim bytes that are not there. The
 * trailer of the chunk-granular format {@code "MRPARTS1"} (chunk indices) is still read, so partial files of earlier
 * versions resume.
 */
final class Journal {
    static final byte[] MAGIC = {'M', 'R', 'P', 'A', 'R', 'T', 'S', '2'};
    static final byte[] MAGIC_V1 = {'M', 'R', 'P', 'A', 'R', 'T', 'S', '1'};
    static final int HEADER = 16;
    static final int ENTRY = 20;
    /** A trailer larger than this is not ours. */
    private static final long MAX_TRAILER = 64L << 20;

    private final FileChannel channel;
    private final ByteBuffer entry = ByteBuffer.allocate(ENTRY);
    private long end;

    private Journal(FileChannel channel, long end) {
        this.channel = channel;
        this.end = end;
    }

    /** Writes a fresh trailer at {@code size} holding {@code done}, cutting whatever followed; returns the journal. */
    static Journal start(FileChannel channel, long size, Intervals done) throws IOException {
        Journal journal = new Journal(channel, size);
        ByteBuffer header = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(size);
        journal.append(header.flip());
        for (long[] range : done.ranges()) {
            journal.written(range[0], range[1]);
        }
        channel.truncate(journal.end);
        return journal;
    }

    /** Records {@code [start, end)} as written; call only after those bytes went to the file. */
    synchronized void written(long start, long stop) throws IOException {
        entry.clear();
        entry.putLong(start).putLong(stop);
        CRC32 crc = new CRC32();
        crc.update(entry.array(), 0, 16);
        entry.putInt((int) crc.getValue());
        append(entry.flip());
    }

    private void append(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            end += channel.write(buffer, end);
        }
    }

    /**
     * Reads the trailer of {@code file} into {@code done}; false (nothing added) when there is no trailer for this
     * size.
     */
    static boolean read(Path file, long size, Intervals done) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length < size + HEADER || length - size > MAX_TRAILER) {
                return false;
            }
            ByteBuffer trailer = ByteBuffer.allocate((int) (length - size));
            while (trailer.hasRemaining() && channel.read(trailer, size + trailer.position()) > 0) {
                // reading
            }
            trailer.flip();
            byte[] magic = new byte[8];
            trailer.get(magic);
            if (trailer.getLong() != size) {
                return false;
            }
            if (java.util.Arrays.equals(magic, MAGIC_V1)) {
                return readChunks(trailer, size, done);
            }
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                return false;
            }
            CRC32 crc = new CRC32();
            while (trailer.remaining() >= ENTRY) {
                long start = trailer.getLong(trailer.position());
                long stop = trailer.getLong(trailer.position() + 8);
                crc.reset();
                crc.update(trailer.array(), trailer.position(), 16);
                int check = trailer.getInt(trailer.position() + 16);
                if (check != (int) crc.getValue() || start < 0 || stop > size || start > stop) {
                    break;
                }
                done.add(start, stop);
                trailer.position(trailer.position() + ENTRY);
            }
            return true;
        }
    }

    /** The earlier format: chunk size, then 4-byte indices of finished chunks. */
    private static boolean readChunks(ByteBuffer trailer, long size, Intervals done) {
        if (trailer.remaining() < 8) {
            return false;
        }
        long chunk = trailer.getLong();
        if (chunk <= 0) {
            return false;
        }
        long count = (size + chunk - 1) / chunk;
        while (trailer.remaining() >= 4) {
            int index = trailer.getInt();
            if (index >= 0 && index < count) {
                done.add(index * chunk, Math.min(size, (index + 1) * chunk));
            }
        }
        return true;
    }

    /** The bytes from 0 that a trailer records as written without a gap; 0 when there is no usable trailer. */
    static long contiguousPrefix(Path file, long size) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        Intervals done = new Intervals();
        return read(file, size, done) ? Math.min(size, done.prefix()) : 0;
    }
}
