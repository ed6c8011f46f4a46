// Downloads a whole Hub repository with the npm client @huggingface/hub (snapshotDownload) into a cache folder.
//
//   node snapshot.mjs --endpoint URL --repo ORG/NAME --cache-dir DIR [--revision REV] [--token TOKEN]
//
// --token is sent as `Authorization: Bearer TOKEN` (the client's accessToken); a CA for an https endpoint comes from
// NODE_EXTRA_CA_CERTS.
// Prints one JSON object on stdout, {"path": "<snapshot folder>"}; on failure {"error": "..."} and exit code 1.
// The library's own messages (console.debug/info/log) go to stderr so stdout stays JSON.
import { snapshotDownload } from "@huggingface/hub";

console.debug = (...a) => console.error(...a);
console.info = (...a) => console.error(...a);
console.log = (...a) => console.error(...a);

const args = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith("--") || argv[i + 1] === undefined) {
    console.error(`usage: node snapshot.mjs --endpoint URL --repo ORG/NAME --cache-dir DIR [--revision REV] [--token TOKEN]`);
    process.exit(2);
  }
  args[argv[i].slice(2)] = argv[i + 1];
}
for (const required of ["endpoint", "repo", "cache-dir"]) {
  if (!args[required]) {
    console.error(`missing --${required}`);
    process.exit(2);
  }
}

try {
  const path = await snapshotDownload({
    repo: { type: "model", name: args.repo },
    revision: args.revision ?? "main",
    hubUrl: args.endpoint,
    cacheDir: args["cache-dir"],
    ...(args.token ? { accessToken: args.token } : {}),
  });
  process.stdout.write(JSON.stringify({ path }) + "\n");
} catch (err) {
  console.error(err?.stack ?? String(err));
  process.stdout.write(JSON.stringify({ error: String(err?.message ?? err) }) + "\n");
  process.exit(1);
}
