package dev.modelredirect.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarWriterTest {
    static final String LONG_PATH = "hub/models--org--" + "n".repeat(60) + "/snapshots/" + "c".repeat(40)
            + "/weights/model.bin";
    static final String LONG_SEGMENT = "x".repeat(150) + ".bin";

    @TempDir
    Path dir;

    private static byte[] sample() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarWriter tar = new TarWriter(bytes)) {
            tar.directory("hub");
            tar.file("models.lock", "{}\n".getBytes(StandardCharsets.UTF_8));
            tar.file(LONG_PATH, "split into prefix and name".getBytes(StandardCharsets.UTF_8));
            tar.file(LONG_SEGMENT, "needs a pax header".getBytes(StandardCharsets.UTF_8));
            tar.file("big.bin", 1500, new ByteArrayInputStream(new byte[1500]));
            tar.symlink("link", "../../" + "l".repeat(120));
        }
        return bytes.toByteArray();
    }

    @Test
    void whatItWritesTheReaderReadsBackWithLongNamesAndLinks() throws IOException {
        TarReader reader = new TarReader(new ByteArrayInputStream(sample()));
        List<String> seen = new ArrayList<>();
        TarReader.Entry entry;
        while ((entry = reader.next()) != null) {
            String data = new String(reader.data().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(entry.type() + " " + entry.name() + " " + (entry.type() == '2' ? entry.linkName()
                    : data.length()));
        }
        assertThat(seen).containsExactly("5 hub/ 0", "0 models.lock 3", "0 " + LONG_PATH + " 26",
                "0 " + LONG_SEGMENT + " 18", "0 big.bin 1500", "2 link ../../" + "l".repeat(120));
    }

    @Test
    void theSystemTarExtractsItByteForByte() throws Exception {
        Path archive = dir.resolve("sample.tar");
        Files.write(archive, sample());
        Path out = Files.createDirectories(dir.resolve("out"));
        Process tar = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(output).isZero();
        assertThat(out.resolve(LONG_PATH)).hasContent("split into prefix and name");
        assertThat(out.resolve(LONG_SEGMENT)).hasContent("needs a pax header");
        assertThat(out.resolve("big.bin")).hasSize(1500);
        assertThat(Files.readSymbolicLink(out.resolve("link")).toString()).isEqualTo("../../" + "l".repeat(120));
    }

    @Test
    void theSameEntriesGiveTheSameBytes() throws IOException {
        assertThat(sample()).isEqualTo(sample());
        assertThat(sample().length % 512).isZero();
    }

    @Test
    void dataShorterOrLongerThanItsSizeFails() {
        assertThatThrownBy(() -> new TarWriter(new ByteArrayOutputStream()).file("a", 10,
                new ByteArrayInputStream(new byte[5]))).hasMessageContaining("ended 5 bytes early");
        assertThatThrownBy(() -> new TarWriter(new ByteArrayOutputStream()).file("a", 10,
                new ByteArrayInputStream(new byte[11]))).hasMessageContaining("longer than its 10 bytes");
    }
}
