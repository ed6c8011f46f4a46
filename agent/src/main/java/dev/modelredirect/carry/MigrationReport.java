package dev.modelredirect.carry;

import dev.modelredirect.log.Sizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code migrate} did: every file brought into the store (and how), every file or folder left out with the
 * reason, the pins added, and notes for the user. Printed for a terminal by {@link #text()} and for a script by
 * {@link #toJson()}.
 */
public final class MigrationReport {
    /** One file brought in: its path in the source, in the store, its size, and whether it was linked or copied. */
    record Imported(String from, String to, long size, FileLinker.How how) {
    }

    /** One thing left out and why. */
    record Skipped(String path, String reason) {
    }

    private final String kind;
    private final String from;
    private final String store;
    private final boolean dryRun;
    private final List<Imported> imported = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private final List<String> pinned = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private int present;

    MigrationReport(String kind, String from, String store, boolean dryRun) {
        this.kind = kind;
        this.from = from;
        this.store = store;
        this.dryRun = dryRun;
    }

    void imported(String from, String to, long size, FileLinker.How how) {
        imported.add(new Imported(from, to, size, how));
    }

    void skipped(String path, String reason) {
        skipped.add(new Skipped(path, reason));
    }

    /** A file the store already had with the same bytes. */
    void alreadyPresent() {
        present++;
    }

    void pinned(String source) {
        pinned.add(source);
    }

    void note(String text) {
        notes.add(text);
    }

    public int importedCount() {
        return imported.size();
    }

    public int skippedCount() {
        return skipped.size();
    }

    public List<String> pinnedSources() {
        return List.copyOf(pinned);
    }

    public long importedBytes() {
        return imported.stream().mapToLong(Imported::size).sum();
    }

    public long linkedCount() {
        return imported.stream().filter(i -> i.how() == FileLinker.How.LINKED).count();
    }

    /** The report for a person: a summary line, then the pins, skipped things and notes. */
    public String text() {
        StringBuilder text = new StringBuilder();
        String verb = dryRun ? "would import" : "imported";
        long linked = linkedCount();
        text.append(String.format("%s %d file%s (%s, %d hard-linked, %d copied) from the %s %s into %s%n", verb,
                imported.size(), imported.size() == 1 ? "" : "s", Sizes.human(importedBytes()), linked,
                imported.size() - linked, kind, from, store));
        if (present > 0) {
            text.append(String.format("already in the store: %d file%s%n", present, present == 1 ? "" : "s"));
        }
        for (String source : pinned) {
            text.append(dryRun ? "would pin " : "pinned ").append(source).append('\n');
        }
        for (Skipped skip : skipped) {
            text.append("skipped ").append(skip.path()).append(": ").append(skip.reason()).append('\n');
        }
        for (String note : notes) {
            text.append("note: ").append(note).append('\n');
        }
        return text.toString();
    }

    /** The report for a script. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", kind);
        json.put("from", from);
        json.put("store", store);
        json.put("dryRun", dryRun);
        json.put("files", imported.size());
        json.put("bytes", importedBytes());
        json.put("hardLinked", linkedCount());
        json.put("copied", imported.size() - linkedCount());
        json.put("alreadyPresent", present);
        List<Object> files = new ArrayList<>();
        for (Imported each : imported) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("from", each.from());
            file.put("to", each.to());
            file.put("size", each.size());
            file.put("how", each.how() == FileLinker.How.LINKED ? "hard-linked" : "copied");
            files.add(file);
        }
        json.put("imported", files);
        List<Object> skips = new ArrayList<>();
        for (Skipped skip : skipped) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", skip.path());
            entry.put("reason", skip.reason());
            skips.add(entry);
        }
        json.put("skipped", skips);
        json.put("pinned", List.copyOf(pinned));
        json.put("notes", List.copyOf(notes));
        return json;
    }
}
