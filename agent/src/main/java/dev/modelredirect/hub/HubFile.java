package dev.modelredirect.hub;

import okhttp3.HttpUrl;

/**
 * What the Hub says of one file at one revision, from the HEAD of its resolve URL.
 *
 * @param commit   the 40-hex commit the revision resolved to ({@code X-Repo-Commit})
 * @param etag     the blob name: sha256 for LFS files, git blob sha1 otherwise ({@code X-Linked-Etag} or {@code ETag},
 *                 without quotes or {@code W/})
 * @param size     bytes ({@code X-Linked-Size} or {@code Content-Length}), -1 when not given
 * @param location where to GET the bytes: the CDN link of a redirect, else the resolve URL
 */
public record HubFile(String commit, String etag, long size, HttpUrl location) {
}
