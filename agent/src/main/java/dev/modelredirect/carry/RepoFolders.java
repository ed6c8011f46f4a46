package dev.modelredirect.carry;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;

/** Reads a repository back from its hub cache folder name ({@code models--ORG--NAME}, {@code datasets--...}). */
final class RepoFolders {
    private RepoFolders() {
    }

    /** Whether the name starts like a repository folder. */
    static boolean looksLikeRepo(String folder) {
        return typeOf(folder) != null;
    }

    /**
     * The repository a folder holds.
     *
     * @throws IllegalArgumentException saying why the name is not a repository folder
     */
    static RepoId parse(String folder) {
        RepoType type = typeOf(folder);
        if (type == null) {
            throw new IllegalArgumentException("'" + folder + "' is not a repository folder of the Hub cache layout "
                    + "(models--ORG--NAME)");
        }
        String[] parts = folder.substring(type.plural().length() + 2).split("--", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("a repository without an organisation (or with '--' in its name) "
                    + "cannot be named hf://ORG/NAME; fetch it under its full id with `pull`");
        }
        return new RepoId(type, parts[0], parts[1]);
    }

    private static RepoType typeOf(String folder) {
        for (RepoType type : RepoType.values()) {
            if (folder.startsWith(type.plural() + "--")) {
                return type;
            }
        }
        return null;
    }
}
