package dev.modelredirect.fetch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * The record of finished chunks of a parallel download, kept in a trailer of the temporary file, after its
 * {@code size} bytes of data: {@code "MRPARTS1"}, the size, the chunk size (8 bytes each), then one 4-byte chunk index
 * per finished chunk. Living in the same file, it moves with it in the one rename that claims a partial download, so
 * a kill at any instant can never separate data from its record. An index is appended only after its chunk's bytes
 * are written; a torn last entry is ignored.
 */
final class Journal {
    static final byte[] MAGIC = {'M', 'R', 'P', 'A', 'R', 'T', 'S', '1'};
    static final int HEADER = 24;

    private final FileChannel channel;
    private long end;

    private Journal(FileChannel channel, long end) {
        this.channel = channel;
        this.end = end;
    }

    /** Writes a fresh trailer at {@code size} holding {@code done}, cutting whatever followed; returns the journal. */
    static Journal start(FileChannel channel, long size, long chunk, BitSet done) throws IOException {
        ByteBuffer trailer = ByteBuffer.allocate(HEADER + 4 * done.cardinality());
        trailer.put(MAGIC).putLong(size).putLong(chunk);
        done.stream().forEach(trailer::putInt);
        trailer.flip();
        long at = size;
        while (trailer.hasRemaining()) {
            at += channel.write(trailer, at);
        }
        channel.truncate(at);
        return new Journal(channel, at);
    }

    /** Records chunk {@code index} as finished. */
    synchronized void finished(int index) throws IOException {
        ByteBuffer entry = ByteBuffer.allocate(4).putInt(index);
        entry.flip();
        while (entry.hasRemaining()) {
            end += channel.write(entry, end);
        }
    }

    /**
     * Reads the trailer of {@code file} into {@code done}; false (nothing set) when there is no trailer for this size
     * and chunk size.
     */
    static boolean read(Path file, long size, long chunk, BitSet done) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length < size + HEADER || length - size > (1 << 24)) {
                return false;
            }
            ByteBuffer trailer = ByteBuffer.allocate((int) (length - size));
            while (trailer.hasRemaining() && channel.read(trailer, size + trailer.position()) > 0) {
                // reading
            }
            trailer.flip();
            for (byte b : MAGIC) {
                if (trailer.get() != b) {
                    return false;
                }
            }
            if (trailer.getLong() != size || (chunk > 0 && trailer.getLong() != chunk)) {
                return false;
            }
            long chunkSize = chunk > 0 ? chunk : trailer.getLong(16);
            int count = (int) ((size + chunkSize - 1) / chunkSize);
            while (trailer.remaining() >= 4) {
                int index = trailer.getInt();
                if (index >= 0 && index < count) {
                    done.set(index);
                }
            }
            return true;
        }
    }

    /** The bytes from 0 that a trailer records as finished without a gap; 0 when there is no usable trailer. */
    static long contiguousPrefix(Path file, long size) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        BitSet done = new BitSet();
        long chunk;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < size + HEADER) {
                return 0;
            }
            ByteBuffer chunkField = ByteBuffer.allocate(8);
            channel.read(chunkField, size + 16);
            chunk = chunkField.flip().getLong();
        }
        if (chunk <= 0 || !read(file, size, chunk, done)) {
            return 0;
        }
        return Math.min(size, done.nextClearBit(0) * chunk);
    }
}
