/** `paved schema`: print a JSON Schema shipped with Paved, for editors and tools that work offline. */
import { installedSchemaPath, schemaUrl, type SchemaName } from "../core/schema-location.js";
import { schemaDocument } from "../document/schema-document.js";
import { didYouMean } from "../document/suggest.js";
import { parseCommandArgs, type Command } from "./args.js";
import { CliError, type Io } from "./io.js";
import { EXIT_OK, EXIT_USAGE } from "./exit.js";

const KINDS = ["manifest", "config"] as const;
const FILE: Record<(typeof KINDS)[number], SchemaName> = { manifest: "platform", config: "config" };

export const schemaCommand: Command = {
  summary: "Print the JSON Schema of platform.yaml (manifest) or of the org config (config)",
  usage: `Usage: paved schema [manifest|config] [--url]

Prints the JSON Schema (default: manifest, the schema of platform.yaml; config: .github/paved.yml),
with no network. Editors with the YAML language server take a schema from a modeline, the file's first line:
  # yaml-language-server: $schema=<where>
where <where> is one of
  ${schemaUrl("platform")}
      this version's schema on GitHub (\`paved schema --url\` prints it): for a file anyone opens
  ${installedSchemaPath("platform")}
      the schema in the installed package: offline, and always the version the repository installs
  ./platform.schema.json
      a copy: \`paved schema > platform.schema.json\`

Options:
  --url       print the versioned URL instead of the schema
  -h, --help  show this help

Exit status: 0 printed, 2 usage problems.
`,
  async run(args: string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandArgs("schema", args, { url: { type: "boolean" } }, 1);
    const kind = positionals[0] ?? "manifest";
    if (!(KINDS as readonly string[]).includes(kind)) {
      throw new CliError(`paved schema: no schema \`${kind}\`${didYouMean(kind, KINDS)}; write \`manifest\` or \`config\``, EXIT_USAGE);
    }
    const name = FILE[kind as (typeof KINDS)[number]];
    io.stdout.write(values.url === true ? `${schemaUrl(name)}\n` : `${JSON.stringify(schemaDocument(name), null, 2)}\n`);
    return EXIT_OK;
  },
};
