package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, exactly as a user types it: {@code ./run-demo.sh} runs the real-model demo (a miss with
 * requests, then a hit with none, both printing the ranked results), and what it prints is what the README shows, line
 * for line, once numbers, ports and commit ids are masked (the build line appears only when the script builds).
 */
class RunDemoScriptIT {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @Test
    void runDemoPrintsWhatTheReadmeShows() throws IOException {
        ChildJvm.Exit demo = ChildJvm.program(Scratch.fresh("run-demo-script"), "bash",
                ROOT.resolve("run-demo.sh").toString()).run(Duration.ofMinutes(10));
        assertThat(demo.code()).as(demo.describe()).isZero();
        assertThat(demo.stdout()).containsPattern("-- first run: [0-9.]+ s wall, [1-9][0-9]* request\\(s\\) to the "
                + "server, [0-9]+ bytes \\([0-9.]+ MB\\) downloaded in [0-9.]+ s")
                .containsPattern("-- second run: [0-9.]+ s wall, 0 request\\(s\\) to the server")
                .contains("  1. ", "  You can reset your password from the sign-in page.");

        assertThat(masked(demo.stdout().lines().toList())).as("./run-demo.sh output against the README's")
                .isEqualTo(masked(readmeBlock()));
    }

    /** The fenced block of README.md that shows the output of {@code ./run-demo.sh}. */
    private static List<String> readmeBlock() throws IOException {
        List<String> block = null;
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.startsWith("```")) {
                if (block != null && block.stream().anyMatch(l -> l.startsWith("== publishing the model"))) {
                    return block;
                }
                block = block == null ? new ArrayList<>() : null;
            } else if (block != null) {
                block.add(line);
            }
        }
        throw new AssertionError("README.md has no block showing the output of ./run-demo.sh");
    }

    private static List<String> masked(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("== building"))
                .map(l -> l.replaceAll("[0-9a-f]{40}", "<commit>").replaceAll("[0-9]+", "N").stripTrailing())
                .toList();
    }
}
