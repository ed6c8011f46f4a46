package dev.modelredirect.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads tar archives: POSIX ustar, GNU long names ({@code L}, {@code K}) and pax headers ({@code x} for
 * {@code path}, {@code linkpath}, {@code size}). Entry data is read through {@link #data()} until the next entry.
 */
public final class TarReader {
    /** One header. {@code type}: '0' file, '5' directory, '2' symlink, '1' hard link, others as in tar. */
    public record Entry(String name, char type, long size, String linkName, int mode) {
    }

    private final InputStream in;
    private long remaining;
    private long padding;

    public TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end of the archive. */
    public Entry next() throws IOException {
        skipFully(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        String longLink = null;
        Long paxSize = null;
        while (true) {
            byte[] header = new byte[512];
            if (!readBlock(header)) {
                return null;
            }
            if (isZero(header)) {
                return null;
            }
            checkChecksum(header);
            char type = (char) (header[156] == 0 ? '0' : header[156]);
            long size = parseNumber(header, 124, 12);
            if (size < 0) {
                throw new ArchiveException("a tar header gives a negative size (" + size + ")");
            }
            String name = string(header, 0, 100);
            String link = string(header, 157, 100);
            if (string(header, 257, 5).equals("ustar")) {
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                byte[] body = readBody(size);
                if (type == 'L') {
                    longName = cString(body);
                } else if (type == 'K') {
                    longLink = cString(body);
                } else if (type == 'x') {
                    for (String[] record : paxRecords(body)) {
                        switch (record[0]) {
                            case "path": longName = record[1]; break;
                            case "linkpath": longLink = record[1]; break;
                            case "size": paxSize = size(record[1]); break;
                            default: break;
                        }
                    }
                }
                continue;
            }
            if (paxSize != null) {
                size = paxSize;
            }
            remaining = type == '0' || type == '7' ? size : (type == '5' || type == '2' || type == '1' ? 0 : size);
            padding = (512 - (remaining % 512)) % 512;
            int mode = (int) parseNumber(header, 100, 8);
            return new Entry(longName != null ? longName : name, type, remaining,
                    longLink != null ? longLink : link, mode);
        }
    }

    /** The data of the current entry. */
    public InputStream data() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException("tar entry truncated");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private byte[] readBody(long size) throws IOException {
        if (size > (1 << 20)) {
            throw new ArchiveException("a tar extended header of " + size + " bytes is too large");
        }
        byte[] body = new byte[(int) size];
        int at = 0;
        while (at < body.length) {
            int n = in.read(body, at, body.length - at);
            if (n < 0) {
                throw new EOFException("tar header truncated");
            }
            at += n;
        }
        skipFully((512 - (size % 512)) % 512);
        return body;
    }

    private static java.util.List<String[]> paxRecords(byte[] body) throws ArchiveException {
        java.util.List<String[]> records = new java.util.ArrayList<>();
        String text = new String(body, StandardCharsets.UTF_8);
        int at = 0;
        while (at < text.length()) {
            int space = text.indexOf(' ', at);
            int equals = text.indexOf('=', space);
            int end = text.indexOf('\n', equals);
            if (space < 0 || equals < 0 || end < 0) {
                throw new ArchiveException("malformed pax header");
            }
            records.add(new String[] {text.substring(space + 1, equals), text.substring(equals + 1, end)});
            at = end + 1;
        }
        return records;
    }

    private boolean readBlock(byte[] block) throws IOException {
        int at = 0;
        while (at < block.length) {
            int n = in.read(block, at, block.length - at);
            if (n < 0) {
                if (at == 0) {
                    return false;
                }
                throw new EOFException("tar header truncated");
            }
            at += n;
        }
        return true;
    }

    private void skipFully(long count) throws IOException {
        byte[] buffer = new byte[8192];
        while (count > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, count));
            if (n < 0) {
                throw new EOFException("tar entry truncated");
            }
            count -= n;
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkChecksum(byte[] header) throws ArchiveException {
        long expected = parseNumber(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != expected) {
            throw new ArchiveException("not a tar archive (header checksum mismatch)");
        }
    }

    private static long size(String pax) throws ArchiveException {
        try {
            long size = Long.parseLong(pax);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException ex) {
            // below
        }
        throw new ArchiveException("a pax header gives an unusable size '" + pax + "'");
    }

    private static long parseNumber(byte[] header, int offset, int length) throws ArchiveException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String text = string(header, offset, length).trim();
        try {
            return text.isEmpty() ? 0 : Long.parseLong(text, 8);
        } catch (NumberFormatException ex) {
            throw new ArchiveException("not a tar archive (a header field holds '" + text.replaceAll("[^ -~]", "?")
                    + "', not an octal number)");
        }
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] body) {
        int end = 0;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }
}
