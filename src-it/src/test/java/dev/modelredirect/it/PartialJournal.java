package dev.modelredirect.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Reads, from outside, the journal in the trailer of a partial download (after its {@code size} data bytes:
 * {@code MRPARTS2}, the size, then 20-byte entries {@code start, end, crc32}), as the written ranges it records.
 */
final class PartialJournal {
    private PartialJournal() {
    }

    /** The ranges {@code [from, to)} recorded in the partial files, merged; empty while none has a trailer. */
    static List<long[]> written(List<Path> partials, long size) {
        List<long[]> ranges = new ArrayList<>();
        for (Path partial : partials) {
            try (FileChannel channel = FileChannel.open(partial)) {
                if (channel.size() < size + 16) {
                    continue;
                }
                ByteBuffer bytes = ByteBuffer.allocate((int) (channel.size() - size));
                channel.read(bytes, size);
                bytes.flip();
                if (!new String(bytes.array(), 0, 8, StandardCharsets.US_ASCII).equals("MRPARTS2")
                        || bytes.getLong(8) != size) {
                    continue;
                }
                CRC32 crc = new CRC32();
                for (int at = 16; at + 20 <= bytes.limit(); at += 20) {
                    crc.reset();
                    crc.update(bytes.array(), at, 16);
                    if ((int) crc.getValue() != bytes.getInt(at + 16)) {
                        break;
                    }
                    ranges.add(new long[] {bytes.getLong(at), bytes.getLong(at + 8)});
                }
            } catch (IOException renamedAway) {
                // the partial file moved between listing and reading: read it again at the next poll
            }
        }
        return merge(ranges);
    }

    static long total(List<long[]> ranges) {
        return ranges.stream().mapToLong(r -> r[1] - r[0]).sum();
    }

    private static List<long[]> merge(List<long[]> ranges) {
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] range : ranges) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && range[0] <= last[1]) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(new long[] {range[0], range[1]});
            }
        }
        return merged;
    }
}
