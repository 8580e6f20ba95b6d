// Parses every *.tf file of a directory with HashiCorp's HCL parser (@cdktf/hcl2json, the Go
// hcl library compiled to WebAssembly) and prints one JSON object: { "<file>.tf": <parsed> }.
// Exit codes: 0 parsed, 1 a file does not parse (message names the file), 2 usage.
// Used by the launcher's TerraformTest; run by hand: node hcl2json.mjs ../terraform
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse } = require("@cdktf/hcl2json");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node hcl2json.mjs TERRAFORM_DIR");
  process.exit(2);
}

const files = (await readdir(dir)).filter((f) => f.endsWith(".tf")).sort();
if (files.length === 0) {
  console.error(`no .tf files in ${dir}`);
  process.exit(1);
}
const out = {};
for (const file of files) {
  const text = await readFile(join(dir, file), "utf8");
  try {
    out[file] = await parse(file, text);
  } catch (e) {
    console.error(`${file}: does not parse as HCL: ${e && e.message ? e.message : e}`);
    process.exit(1);
  }
}
process.stdout.write(JSON.stringify(out, null, 1));
