package dev.modelredirect.hub;

/** The kinds of Hub repository, with their URL prefix and cache folder prefix. */
public enum RepoType {
    MODEL("models", ""),
    DATASET("datasets", "datasets/"),
    SPACE("spaces", "spaces/");

    private final String plural;
    private final String urlPrefix;

    RepoType(String plural, String urlPrefix) {
        this.plural = plural;
        this.urlPrefix = urlPrefix;
    }

    /** {@code models}, {@code datasets}, {@code spaces}: the API path segment and the cache folder prefix. */
    public String plural() {
        return plural;
    }

    /** What stands before {@code ORG/NAME} in a resolve URL: empty for models, {@code datasets/} for datasets. */
    public String urlPrefix() {
        return urlPrefix;
    }
}
