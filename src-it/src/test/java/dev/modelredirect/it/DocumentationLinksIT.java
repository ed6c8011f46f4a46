package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's documentation as its readers follow it: every link of {@code README.md} and of every Markdown file
 * under {@code docs/} (and the other Markdown files of the repository) resolves inside the repository, to a file that
 * exists and, for a {@code #fragment}, to a heading that exists. Then {@link MarkdownLinks} itself, on files written
 * for the purpose: each kind of broken link is reported.
 */
class DocumentationLinksIT {
    private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

    @Test
    void everyLinkOfTheReadmeAndTheDocsResolvesInsideTheRepository() throws IOException {
        List<Path> files = markdownFiles();
        assertThat(files).contains(ROOT.resolve("README.md")).anyMatch(f -> f.startsWith(ROOT.resolve("docs")));
        MarkdownLinks links = new MarkdownLinks(ROOT);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(links.problems(file));
        }
        assertThat(problems).as("broken links").isEmpty();
    }

    @Test
    void theReadmeStaysAFrontPage() throws IOException {
        assertThat(Files.size(ROOT.resolve("README.md"))).as("README.md in bytes").isLessThanOrEqualTo(15 * 1024);
    }

    @Test
    void aLinkOutsideTheRepositoryToAMissingFileOrHeadingOrByAbsolutePathIsReported() throws IOException {
        Path repo = Scratch.fresh("documentation-links/repo");
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/guide.md"), "# Guide\n\n## Moving pins forward: `pull --update`\n\n"
                + "## Moving pins forward: `pull --update`\n\n<a id=\"custom\"></a>\n");
        Files.writeString(repo.resolve("README.md"), String.join("\n",
                "# Project",
                "The contract is [`../shared/SPEC.md`](../shared/SPEC.md).",
                "See [the guide](docs/guide.md#moving-pins-forward-pull---update), its twin "
                        + "[section](docs/guide.md#moving-pins-forward-pull---update-1) and [this](docs/guide.md#custom).",
                "Gone: [old](docs/old.md), [anchor](docs/guide.md#no-such-heading), [abs](/etc/passwd), "
                        + "[local](file:///etc/passwd).",
                "Fine: [web](https://huggingface.co/org/name), [top](#project), ![picture](docs/guide.md).",
                "[ref]: docs/missing.md",
                "```",
                "[in a code block](nowhere.md)",
                "```",
                "A span: `[in code](nowhere.md)`.",
                ""));
        List<String> problems = new MarkdownLinks(repo).problems(repo.resolve("README.md"));
        assertThat(problems).hasSize(6);
        assertThat(problems.get(0)).startsWith("README.md:2: ../shared/SPEC.md: points outside the repository");
        assertThat(problems.get(1)).isEqualTo("README.md:4: docs/old.md: no such file or folder in the repository");
        assertThat(problems.get(2)).isEqualTo("README.md:4: docs/guide.md#no-such-heading: no heading or anchor "
                + "'no-such-heading' in docs/guide.md");
        assertThat(problems.get(3)).startsWith("README.md:4: /etc/passwd: an absolute path");
        assertThat(problems.get(4)).startsWith("README.md:4: file:///etc/passwd: a file: link");
        assertThat(problems.get(5)).isEqualTo("README.md:6: docs/missing.md: no such file or folder in the "
                + "repository");
    }

    @Test
    void headingAnchorsAreGitHubs() {
        assertThat(MarkdownLinks.slug("Moving pins forward: `pull --update`"))
                .isEqualTo("moving-pins-forward-pull---update");
        assertThat(MarkdownLinks.slug("One copy per user (`store=shared`)")).isEqualTo("one-copy-per-user-storeshared");
        assertThat(MarkdownLinks.slug("Use it on [your app](x.md)")).isEqualTo("use-it-on-your-app");
    }

    private static List<Path> markdownFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(ROOT)) {
            return walk.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .filter(p -> {
                        Path relative = ROOT.relativize(p);
                        if (relative.startsWith("models") && relative.getNameCount() > 2) {
                            return false; // models downloaded into the project store
                        }
                        for (Path part : relative) {
                            String name = part.toString();
                            if (name.equals("target") || name.equals("node_modules") || name.startsWith(".")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted().toList();
        }
    }
}
