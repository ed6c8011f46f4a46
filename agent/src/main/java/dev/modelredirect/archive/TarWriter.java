package dev.modelredirect.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes POSIX tar archives: ustar headers, with a pax extended header ({@code x}) for a name or link target that
 * does not fit ustar's fields. Every entry gets the same owner (0), times (0) and modes ({@code 0644} files,
 * {@code 0755} folders, {@code 0777} links), so the same entries give the same bytes. Not thread-safe.
 */
public final class TarWriter implements Closeable {
    private static final int BLOCK = 512;

    private final OutputStream out;
    private boolean closed;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** A regular file of {@code size} bytes read from {@code data}; fails when it gives another count. */
    public void file(String name, long size, InputStream data) throws IOException {
        header(name, '0', size, "", 0644);
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = data.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("the data of tar entry " + name + " ended " + left + " bytes early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        if (data.read() >= 0) {
            throw new IOException("the data of tar entry " + name + " is longer than its " + size + " bytes");
        }
        pad(size);
    }

    /** A regular file holding {@code bytes}. */
    public void file(String name, byte[] bytes) throws IOException {
        file(name, bytes.length, new java.io.ByteArrayInputStream(bytes));
    }

    /** A symbolic link {@code name} pointing to {@code target}. */
    public void symlink(String name, String target) throws IOException {
        header(name, '2', 0, target, 0777);
    }

    /** A folder. */
    public void directory(String name) throws IOException {
        header(name.endsWith("/") ? name : name + "/", '5', 0, "", 0755);
    }

    /** Writes the two zero blocks that end an archive and flushes; the stream is left open. */
    public void finish() throws IOException {
        if (!closed) {
            out.write(new byte[2 * BLOCK]);
            out.flush();
            closed = true;
        }
    }

    /** {@link #finish()}, then closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void header(String name, char type, long size, String link, int mode) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        String ustarName = name;
        String prefix = "";
        boolean pax = false;
        if (nameBytes.length > 100) {
            int split = splitPoint(name);
            if (split > 0) {
                prefix = name.substring(0, split);
                ustarName = name.substring(split + 1);
            } else {
                pax = true;
                ustarName = shortened(name);
            }
        }
        if (linkBytes.length > 100) {
            pax = true;
        }
        if (pax) {
            StringBuilder records = new StringBuilder();
            records.append(paxRecord("path", name));
            if (linkBytes.length > 100) {
                records.append(paxRecord("linkpath", link));
            }
            byte[] body = records.toString().getBytes(StandardCharsets.UTF_8);
            writeHeader(shortened("PaxHeaders/" + name), "", 'x', body.length, "", 0644);
            out.write(body);
            pad(body.length);
            prefix = "";
        }
        writeHeader(ustarName, prefix, type, size, linkBytes.length > 100 ? shortened(link) : link, mode);
    }

    /** Where a long name splits into ustar's prefix (up to 155 bytes) and name (up to 100); -1 when it cannot. */
    private static int splitPoint(String name) {
        for (int i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
            int prefixLength = name.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
            int rest = name.substring(i + 1).getBytes(StandardCharsets.UTF_8).length;
            if (prefixLength <= 155 && rest <= 100 && rest > 0) {
                return i;
            }
        }
        return -1;
    }

    private static String shortened(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= 100 ? text : new String(Arrays.copyOf(bytes, 100), StandardCharsets.UTF_8)
                .replace("\uFFFD", "");
    }

    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        int total = length + String.valueOf(length).length();
        if (String.valueOf(total).length() != String.valueOf(length).length()) {
            total = length + String.valueOf(total).length();
        }
        return total + body;
    }

    private void writeHeader(String name, String prefix, char type, long size, String link, int mode)
            throws IOException {
        byte[] header = new byte[BLOCK];
        put(header, 0, 100, name);
        octal(header, 100, 8, mode);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        if (size > 077777777777L) {
            header[124] = (byte) 0x80;
            for (int i = 0; i < 8; i++) {
                header[135 - i] = (byte) (size >>> (8 * i));
            }
        } else {
            octal(header, 124, 12, size);
        }
        octal(header, 136, 12, 0);
        header[156] = (byte) type;
        put(header, 157, 100, link);
        put(header, 257, 6, "ustar");
        header[263] = '0';
        header[264] = '0';
        put(header, 345, 155, prefix);
        Arrays.fill(header, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        String checksum = String.format("%06o", sum);
        put(header, 148, 6, checksum);
        header[154] = 0;
        header[155] = ' ';
        out.write(header);
    }

    private static void put(byte[] header, int offset, int length, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String text = String.format("%0" + (length - 1) + "o", value);
        put(header, offset, length - 1, text);
        header[offset + length - 1] = 0;
    }

    private void pad(long size) throws IOException {
        int padding = (int) ((BLOCK - (size % BLOCK)) % BLOCK);
        if (padding > 0) {
            out.write(new byte[padding]);
        }
    }
}
