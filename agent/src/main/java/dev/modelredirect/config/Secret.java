package dev.modelredirect.config;

/**
 * A credential that never prints itself: {@link #toString()} hides the value, only {@link #reveal()} gives it.
 */
public final class Secret {
    private final String value;
    private final String origin;

    public Secret(String value, String origin) {
        this.value = value;
        this.origin = origin;
    }

    /** The credential itself, for an Authorization header and nothing else. */
    public String reveal() {
        return value;
    }

    /** Where the credential came from (a key, a variable or a file), safe to print. */
    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "<token from " + origin + ">";
    }
}
