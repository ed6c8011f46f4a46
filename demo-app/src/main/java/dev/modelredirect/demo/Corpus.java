package dev.modelredirect.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The sentences the demo searches, shipped in its jar ({@code corpus.txt}: one per line, {@code #} comments). */
public final class Corpus {
    private Corpus() {
    }

    /** The bundled sentences, in file order. */
    public static List<String> load() {
        List<String> sentences = new ArrayList<>();
        try (InputStream in = Corpus.class.getResourceAsStream("corpus.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    sentences.add(line.strip());
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read the corpus shipped in the demo jar", ex);
        }
        return List.copyOf(sentences);
    }
}
