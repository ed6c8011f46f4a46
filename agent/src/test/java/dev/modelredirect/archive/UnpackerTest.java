package dev.modelredirect.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackerTest {
    @TempDir
    Path dir;

    @Test
    void aZipIsUnpackedWithItsFolders() throws Exception {
        Path zip = zip("model.zip", "model/config.json", "{}", "model/weights/w.bin", "0123");
        Path out = Unpacker.unpack(zip, dir.resolve("out"));
        assertThat(out.resolve("model/config.json")).hasContent("{}");
        assertThat(out.resolve("model/weights/w.bin")).hasContent("0123");
    }

    @Test
    void aTarGzIsUnpackedWithLinksInside() throws Exception {
        Tar tar = new Tar().file("m/a.txt", "alpha").file("m/long/" + "x".repeat(120) + ".txt", "long name")
                .symlink("m/link", "a.txt").hardlink("m/hard", "m/a.txt");
        Path archive = dir.resolve("m.tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(archive))) {
            out.write(tar.bytes());
        }
        Path out = Unpacker.unpack(archive, dir.resolve("out"));
        assertThat(out.resolve("m/a.txt")).hasContent("alpha");
        assertThat(out.resolve("m/long/" + "x".repeat(120) + ".txt")).hasContent("long name");
        assertThat(Files.readSymbolicLink(out.resolve("m/link")).toString()).isEqualTo("a.txt");
        assertThat(out.resolve("m/hard")).hasContent("alpha");
    }

    @Test
    void aZipSlipEntryIsRefusedAndNothingIsLeft() throws Exception {
        Path zip = zip("evil.zip", "ok.txt", "fine", "../../escaped.txt", "pwned");
        assertThatThrownBy(() -> Unpacker.unpack(zip, dir.resolve("out")))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("../../escaped.txt")
                .hasMessageContaining("unsafe");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.getParent().resolve("escaped.txt")).doesNotExist();
        assertThat(listing()).containsExactly("evil.zip");
    }

    @Test
    void absoluteAndDriveAndBackslashNamesAreRefused() throws Exception {
        for (String name : new String[] {"/etc/passwd", "C:/windows/x", "..\\..\\x", "a/../../x"}) {
            Path tar = tar("t.tar", new Tar().file(name, "x"));
            assertThatThrownBy(() -> Unpacker.unpack(tar, dir.resolve("out"))).as(name)
                    .isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe");
            assertThat(dir.resolve("out")).doesNotExist();
        }
    }

    @Test
    void aSymlinkLeadingOutsideIsRefused() throws Exception {
        Path tar = tar("t.tar", new Tar().symlink("link", "../../etc"));
        assertThatThrownBy(() -> Unpacker.unpack(tar, dir.resolve("out")))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("outside");
        Path absolute = tar("u.tar", new Tar().symlink("link", "/etc/passwd"));
        assertThatThrownBy(() -> Unpacker.unpack(absolute, dir.resolve("out")))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("outside");
    }

    @Test
    void aFileCannotBeWrittenThroughASymlinkOfTheSameArchive() throws Exception {
        Path tar = tar("t.tar", new Tar().symlink("sub", "..").file("sub/x.txt", "through the link"));
        assertThatThrownBy(() -> Unpacker.unpack(tar, dir.resolve("out"))).isInstanceOf(ArchiveException.class);
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("x.txt")).doesNotExist();
        Path inside = tar("i.tar", new Tar().symlink("sub", ".").file("sub/x.txt", "both a link and a folder"));
        assertThatThrownBy(() -> Unpacker.unpack(inside, dir.resolve("out"))).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("both a link and another entry");
        Path nested = tar("n.tar", new Tar().file("d/file", "x").symlink("d/up", "..").symlink("d/up/evil", "/"));
        assertThatThrownBy(() -> Unpacker.unpack(nested, dir.resolve("out2")))
                .isInstanceOf(ArchiveException.class);
    }

    @Test
    void aHardLinkToSomethingOutsideIsRefused() throws Exception {
        Path tar = tar("t.tar", new Tar().hardlink("h", "../../etc/passwd"));
        assertThatThrownBy(() -> Unpacker.unpack(tar, dir.resolve("out")))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("unsafe");
    }

    @Test
    void aCorruptArchiveGivesAClearError() throws Exception {
        Path bad = dir.resolve("bad.tar");
        Files.write(bad, new byte[1024 + 3]);
        Files.write(bad, "garbage".getBytes(), java.nio.file.StandardOpenOption.APPEND);
        byte[] junk = new byte[512];
        junk[0] = 'x';
        Files.write(bad, junk);
        assertThatThrownBy(() -> Unpacker.unpack(bad, dir.resolve("out")))
                .isInstanceOf(ArchiveException.class).hasMessageContaining("not a tar");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void anExistingTargetIsKeptAsItIs() throws Exception {
        Path zip = zip("m.zip", "a.txt", "new");
        Files.createDirectories(dir.resolve("out"));
        Files.writeString(dir.resolve("out/a.txt"), "old");
        Unpacker.unpack(zip, dir.resolve("out"));
        assertThat(dir.resolve("out/a.txt")).hasContent("old");
    }

    @Test
    void baseNamesDropTheArchiveExtension() {
        assertThat(Unpacker.baseName("resnet18.tar.gz")).isEqualTo("resnet18");
        assertThat(Unpacker.baseName("m.TGZ")).isEqualTo("m");
        assertThat(Unpacker.isArchive("m.pt")).isFalse();
    }

    private java.util.List<String> listing() throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path zip(String name, String... pairs) throws IOException {
        Path file = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (int i = 0; i < pairs.length; i += 2) {
                zip.putNextEntry(new ZipEntry(pairs[i]));
                zip.write(pairs[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }

    private Path tar(String name, Tar tar) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, tar.bytes());
        return file;
    }

    /** Writes tar archives with any entry names, the hostile ones included. */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar file(String name, String text) throws IOException {
            byte[] data = text.getBytes(StandardCharsets.UTF_8);
            if (name.length() > 99) {
                byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
                header("././@LongLink", 'L', longName.length, "");
                body(longName);
                name = name.substring(0, 99);
            }
            header(name, '0', data.length, "");
            body(data);
            return this;
        }

        Tar symlink(String name, String target) throws IOException {
            header(name, '2', 0, target);
            return this;
        }

        Tar hardlink(String name, String target) throws IOException {
            header(name, '1', 0, target);
            return this;
        }

        byte[] bytes() throws IOException {
            out.write(new byte[1024]);
            return out.toByteArray();
        }

        private void header(String name, char type, long size, String link) throws IOException {
            byte[] h = new byte[512];
            put(h, 0, name, 100);
            put(h, 100, "0000644", 8);
            put(h, 108, "0000000", 8);
            put(h, 116, "0000000", 8);
            put(h, 124, String.format("%011o", size), 12);
            put(h, 136, "00000000000", 12);
            h[156] = (byte) type;
            put(h, 157, link, 100);
            put(h, 257, "ustar", 6);
            put(h, 263, "00", 2);
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o", sum), 7);
            out.write(h);
        }

        private void body(byte[] data) throws IOException {
            out.write(data);
            out.write(new byte[(512 - data.length % 512) % 512]);
        }

        private static void put(byte[] h, int offset, String value, int length) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(bytes, 0, h, offset, Math.min(bytes.length, length));
        }
    }
}
