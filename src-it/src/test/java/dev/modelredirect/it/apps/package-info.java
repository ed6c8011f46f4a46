/**
 * Ordinary applications that the integration tests run in child JVMs, with or without the agent. They know nothing of
 * the agent: they use DJL as any application would, print what they got on stdout, and exit. They are compiled
 * against DJL 0.36.0 and each uses only API present in the versions it is run with.
 */
package dev.modelredirect.it.apps;
