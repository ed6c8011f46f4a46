package dev.modelredirect.config;

import java.util.Locale;

/** The configuration keys of the SPEC, with the three spellings each can be given under. */
public enum Key {
    STORE, ENDPOINT, TOKEN, OFFLINE, LOCKFILE, PATHS, HOOKS, ENGINES, STRICT, LOG, MIRRORS, HOOK_FILE, CONNECTIONS, CA_FILE,
    /** Base URL of the DJL model repository or a mirror of it. */
    DJL_ENDPOINT;

    /** The name users type in agent arguments and options: {@code store}, {@code lockfile}, {@code hook-file}, {@code ca-file}... */
    public String keyName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code model.redirect.store} */
    public String propertyName() {
        return "model.redirect." + keyName();
    }

    /** {@code MODEL_REDIRECT_STORE} */
    public String envName() {
        return "MODEL_REDIRECT_" + name();
    }

    /** The key whose name is {@code word} (case-insensitive), or null. */
    public static Key byName(String word) {
        String normalized = word.trim().toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        for (Key key : values()) {
            if (key.keyName().replace('-', '.').equals(normalized)) {
                return key;
            }
        }
        return null;
    }

    /** All key names, comma separated, for messages. */
    public static String allNames() {
        StringBuilder out = new StringBuilder();
        for (Key key : values()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(key.keyName());
        }
        return out.toString();
    }
}
