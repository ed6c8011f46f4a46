/**
 * {@code serve}: the store's {@code hub/} folder over the Hugging Face Hub's HTTP protocol, read-only or as a
 * pull-through mirror. {@link dev.modelredirect.serve.HubServer} is the entry point; everything else is internal.
 */
package dev.modelredirect.serve;
