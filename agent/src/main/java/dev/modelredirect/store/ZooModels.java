package dev.modelredirect.store;

import dev.modelredirect.json.Json;
import dev.modelredirect.json.JsonException;
import dev.modelredirect.json.JsonValues;
import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A whole DJL zoo model, {@code djl://GROUP/ARTIFACT[/VERSION]}, for {@code pull} and {@code which}: finds the
 * application it is filed under (the pin's, else the first whose {@code metadata.json} the endpoint has), fetches the
 * metadata, picks the version (the one asked, else the highest), fetches every file of that version with
 * {@link ZooResolver}, and the group's index for the applications the Hugging Face zoos read at start, so that the
 * application then runs offline with zero connections. The answer is the model's folder in the store.
 */
final class ZooModels {
    /** Application paths of DJL ({@code ai.djl.Application}), in the order they are tried when none is pinned. */
    static final List<String> APPLICATIONS = List.of("nlp/text_embedding", "nlp/fill_mask", "nlp/question_answer",
            "nlp/text_classification", "nlp/token_classification", "nlp/zero_shot_classification",
            "nlp/text_generation", "nlp/sentiment_analysis", "nlp/word_embedding", "nlp/machine_translation",
            "nlp/multiple_choice", "cv/image_classification", "cv/object_detection", "cv/semantic_segmentation",
            "cv/instance_segmentation", "cv/mask_generation", "cv/pose_estimation", "cv/action_recognition",
            "cv/word_recognition", "cv/image_generation", "cv/image_enhancement", "cv/zero_shot_image_classification",
            "cv/zero_shot_object_detection", "audio/speech_recognition", "tabular/linear_regression",
            "tabular/softmax_regression", "time_series/forecasting", "undefined");
    /** The applications whose index the Hugging Face zoos of DJL read when they start. */
    static final List<String> INDEXED = List.of("nlp/fill_mask", "nlp/question_answer", "nlp/text_classification",
            "nlp/text_embedding", "nlp/token_classification", "nlp/zero_shot_classification",
            "cv/zero_shot_image_classification", "cv/zero_shot_object_detection");

    private final StoreContext context;
    private final ZooResolver files;

    ZooModels(StoreContext context, ZooResolver files) {
        this.context = context;
        this.files = files;
    }

    /** The model's folder when the store holds its metadata and every pinned file; never connects or writes. */
    Path lookup(Source.Djl source) throws IOException {
        Pin pin = context.lockFile.get(source.key());
        if (source.artifact() == null) {
            return pin instanceof Pin.Djl && allPresent(pin) ? files.layout().root() : null;
        }
        if (!(pin instanceof Pin.Djl djl) || djl.application() == null || djl.files().isEmpty()
                || (source.version() != null && !source.version().equals(djl.version()))) {
            return null;
        }
        if (!allPresent(djl) || !versionPinned(source, djl)) {
            return null;
        }
        return files.layout().file(ZooLayout.modelFolder(djl.application(), source.group(), source.artifact()));
    }

    /**
     * Whether the pin names every file its metadata lists for the pinned version: the metadata is pinned as soon as
     * it arrives, before the version's files, so a pull that failed half-way (or a model DJL only located) leaves a
     * pin that holds the metadata alone.
     */
    private boolean versionPinned(Source.Djl source, Pin.Djl djl) throws IOException {
        if (djl.version() == null) {
            return false;
        }
        String folder = ZooLayout.modelFolder(djl.application(), source.group(), source.artifact());
        Map<String, Object> json;
        try {
            json = readJson(files.layout().file(folder + "metadata.json"));
        } catch (StoreException | java.nio.file.NoSuchFileException unreadable) {
            return false;
        }
        List<Map.Entry<String, Map<String, Object>>> items = versionItems(source, json, djl.version());
        if (items == null) {
            return false;
        }
        for (Map.Entry<String, Map<String, Object>> item : items) {
            String uri = JsonValues.requiredString(item.getValue(), "uri");
            if (!uri.contains(":") && djl.file(ZooLayout.pinPath(ZooLayout.checkedPath(folder + uri))) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The files (name and entry) the metadata lists for {@code version}, over every artifact of that version; null
     * when no artifact of that version lists files.
     */
    private static List<Map.Entry<String, Map<String, Object>>> versionItems(Source.Djl source,
            Map<String, Object> json, String version) throws StoreException {
        List<Map.Entry<String, Map<String, Object>>> listed = null;
        for (Object element : JsonValues.array(json, "artifacts")) {
            Map<String, Object> artifact = JsonValues.asObject(element, "an artifact of " + source.spelled());
            Map<String, Object> items = JsonValues.object(artifact, "files");
            if (!version.equals(JsonValues.string(artifact, "version")) || items == null) {
                continue;
            }
            if (listed == null) {
                listed = new ArrayList<>();
            }
            for (Map.Entry<String, Object> entry : items.entrySet()) {
                listed.add(Map.entry(entry.getKey(), JsonValues.asObject(entry.getValue(), "file " + entry.getKey())));
            }
        }
        return listed;
    }

    private boolean allPresent(Pin pin) throws IOException {
        for (PinnedFile file : pin.files()) {
            Path path = context.root.resolve(file.path());
            if (!Files.isRegularFile(path) || Files.size(path) != file.size()) {
                return false;
            }
        }
        return true;
    }

    /** Resolves the model (or, for {@code djl://GROUP}, the group's index files), downloading what is missing. */
    Resolution resolve(Source.Djl source, UrlResolver.HttpSupplier http) throws IOException {
        long start = System.nanoTime();
        Path known = lookup(source);
        if (known != null) {
            return new Resolution(source.spelled(), known, context.root, true, 0, System.nanoTime() - start);
        }
        if (source.artifact() == null) {
            context.checkCanDownload(source.spelled());
            long bytes = indexes(source, http);
            return new Resolution(source.spelled(), files.layout().root(), context.root, bytes == 0, bytes,
                    System.nanoTime() - start);
        }
        String application = pinnedApplication(source);
        Resolution metadata = null;
        if (application != null) {
            metadata = files.resolve(metadataRequest(source, application, false), http);
        } else {
            context.checkCanDownload(source.spelled());
            for (String candidate : APPLICATIONS) {
                metadata = files.resolve(metadataRequest(source, candidate, true), http);
                if (metadata != null) {
                    application = candidate;
                    break;
                }
            }
            if (metadata == null) {
                throw new StoreException(source.spelled() + ": djl-endpoint has no metadata.json for artifact "
                        + source.artifact() + " of group " + source.group() + " under any DJL application; check "
                        + "the group and artifact ids (they are case-sensitive), or the djl-endpoint key");
            }
        }
        Map<String, Object> json = readJson(metadata.path());
        String version = chooseVersion(source, json);
        long[] fetched = versionFiles(source, application, json, version, http);
        long bytes = metadata.bytesDownloaded() + fetched[0] + indexes(source, http);
        boolean hit = metadata.hit() && fetched[1] == 1 && bytes == 0;
        Path path = files.layout().file(ZooLayout.modelFolder(application, source.group(), source.artifact()));
        return new Resolution(source.spelled(), path, context.root, hit, bytes, System.nanoTime() - start);
    }

    /**
     * {@code pull --update}: the metadata fetched again; the pin moves to the version asked (else the highest) with
     * the metadata and that version's files only, fetching what is missing. A model not yet pinned is pulled.
     */
    Update update(Source.Djl source, UrlResolver.HttpSupplier http) throws IOException {
        long start = System.nanoTime();
        context.checkCanUpdate(source.spelled());
        Pin pin = context.lockFile.get(source.key());
        if (source.artifact() == null || !(pin instanceof Pin.Djl djl) || djl.application() == null) {
            Resolution resolution = resolve(source, http);
            Pin now = context.lockFile.get(source.key());
            return new Update(resolution, null, now instanceof Pin.Djl d ? d.version() : null, false);
        }
        String application = djl.application();
        Resolution metadata = files.refresh(metadataRequest(source, application, false), http);
        Map<String, Object> json = readJson(metadata.path());
        String version = chooseVersion(source, json);
        String metadataPath = ZooLayout.pinPath(ZooLayout.checkedPath(ZooLayout.modelFolder(application,
                source.group(), source.artifact()) + "metadata.json"));
        Pin.Djl refreshed = (Pin.Djl) context.lockFile.get(source.key());
        context.pin(source.key(), new Pin.Djl(djl.group(), djl.artifact(), application, version,
                List.of(refreshed.file(metadataPath))));
        long[] fetched = versionFiles(source, application, json, version, http);
        Path path = files.layout().file(ZooLayout.modelFolder(application, source.group(), source.artifact()));
        Resolution resolution = new Resolution(source.spelled(), path, context.root, false,
                metadata.bytesDownloaded() + fetched[0], System.nanoTime() - start);
        return new Update(resolution, djl.version(), version, false);
    }

    /** Fetches every file of one version; answers {bytes fetched, 1 when all were hits}. */
    private long[] versionFiles(Source.Djl source, String application, Map<String, Object> json, String version,
            UrlResolver.HttpSupplier http) throws IOException {
        String folder = ZooLayout.modelFolder(application, source.group(), source.artifact());
        long bytes = 0;
        boolean hit = true;
        List<Map.Entry<String, Map<String, Object>>> items = versionItems(source, json, version);
        if (items == null) {
            return new long[] {0, 1};
        }
        for (Map.Entry<String, Map<String, Object>> entry : items) {
            Map<String, Object> item = entry.getValue();
            String uri = JsonValues.requiredString(item, "uri");
            if (uri.contains(":")) {
                Log.warn("%s: file %s is at %s, outside the repository; it is left to DJL", source.spelled(),
                        entry.getKey(), uri);
                continue;
            }
            Resolution file = files.resolve(new ZooFile(source.key(), source.group(), source.artifact(),
                    application, version, folder + uri, JsonValues.string(item, "sha1Hash"),
                    JsonValues.longValue(item, "size", -1), false), http);
            bytes += file.bytesDownloaded();
            hit &= file.hit();
        }
        return new long[] {bytes, hit ? 1 : 0};
    }

    /** The group's index of each application the Hugging Face zoos read (those the endpoint has); bytes fetched. */
    private long indexes(Source.Djl source, UrlResolver.HttpSupplier http) throws IOException {
        long bytes = 0;
        for (String indexed : INDEXED) {
            Resolution index = files.resolve(new ZooFile(ZooLayout.indexSource(source.group()), source.group(), null,
                    null, null, ZooLayout.indexPath(indexed, source.group()), null, -1, true), http);
            if (index != null) {
                bytes += index.bytesDownloaded();
            }
        }
        return bytes;
    }

    private String pinnedApplication(Source.Djl source) throws StoreException {
        Pin pin = context.lockFile.get(source.key());
        return pin instanceof Pin.Djl djl ? djl.application() : null;
    }

    private static ZooFile metadataRequest(Source.Djl source, String application, boolean optional) {
        return new ZooFile(source.key(), source.group(), source.artifact(), application, null,
                ZooLayout.modelFolder(application, source.group(), source.artifact()) + "metadata.json", null, -1,
                optional);
    }

    private static Map<String, Object> readJson(Path file) throws IOException {
        try {
            return Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonException ex) {
            throw new StoreException(file + " is not DJL metadata (" + ex.getMessage() + "); delete it and pull again");
        }
    }

    /** The version asked, else the highest of the metadata, compared number by number as DJL does. */
    static String chooseVersion(Source.Djl source, Map<String, Object> metadata) throws StoreException {
        List<String> versions = new ArrayList<>();
        for (Object element : JsonValues.array(metadata, "artifacts")) {
            String version = JsonValues.string(JsonValues.asObject(element, "an artifact"), "version");
            if (version != null) {
                versions.add(version);
            }
        }
        if (source.version() != null) {
            if (!versions.contains(source.version())) {
                throw new StoreException(source.spelled() + ": the metadata lists versions " + versions + ", not "
                        + source.version() + "; name one of them");
            }
            return source.version();
        }
        if (versions.isEmpty()) {
            throw new StoreException(source.spelled() + ": its metadata lists no artifact version");
        }
        versions.sort(ZooModels::compareVersions);
        return versions.get(versions.size() - 1);
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0";
            String q = i < y.length ? y[i] : "0";
            int c;
            try {
                c = Long.compare(Long.parseLong(p), Long.parseLong(q));
            } catch (NumberFormatException ex) {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
