import { TOOLS_BIN } from "./paths.ts";
import { onPath, run } from "./exec.ts";

/** Pinned versions of the tools berth installs with `go install` into .tools/bin. */
export const TOOL_VERSIONS = {
  "nats-server": {
    module: "github.com/nats-io/nats-server/v2",
    pkg: "github.com/nats-io/nats-server/v2",
    version: "v2.12.15",
  },
  nats: {
    module: "github.com/nats-io/natscli",
    pkg: "github.com/nats-io/natscli/nats",
    version: "v0.3.0",
  },
  k6: { module: "go.k6.io/k6", pkg: "go.k6.io/k6", version: "v1.8.1" },
  /** Checks the alert rules in ops/prometheus (Prometheus 3.15). */
  promtool: {
    module: "github.com/prometheus/prometheus",
    pkg: "github.com/prometheus/prometheus/cmd/promtool",
    version: "v0.315.0",
  },
} as const;

export type Tool = keyof typeof TOOL_VERSIONS;

async function stampedVersion(tool: Tool): Promise<string | null> {
  try {
    return (await Deno.readTextFile(`${TOOLS_BIN}/.${tool}.version`)).trim();
  } catch {
    return null;
  }
}

async function acceptableOnPath(tool: Tool): Promise<string | null> {
  if (tool !== "nats-server") return null; // the nats CLI and k6 are always the pinned build
  const path = await onPath("nats-server");
  if (!path) return null;
  const r = await run(path, ["--version"]);
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(r.stdout);
  return m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 12)) ? path : null;
}

/**
 * The path of a tool: the pinned build in .tools/bin, a good enough one on PATH, or a new
 * build with `go install` at the pinned version.
 */
export async function ensureTool(
  tool: Tool,
  say: (msg: string) => void = console.error,
): Promise<string> {
  const spec = TOOL_VERSIONS[tool];
  const local = `${TOOLS_BIN}/${tool}`;
  if ((await stampedVersion(tool)) === spec.version) return local;
  const fromPath = await acceptableOnPath(tool);
  if (fromPath) return fromPath;
  if (!(await onPath("go"))) {
    throw new Error(
      `${tool} ${spec.version} is needed and Go is not on PATH to build it; install Go`,
    );
  }
  say(`berth: building ${tool} ${spec.version} with go install (once; it can take a few minutes)`);
  await Deno.mkdir(TOOLS_BIN, { recursive: true });
  // A throwaway module pins the version; plain `go install pkg@v` would also ask the proxy
  // for the module's version list, which the proxy does not serve for every module.
  const mod = await Deno.makeTempDir({ prefix: "berth-tool-" });
  try {
    await Deno.writeTextFile(
      `${mod}/go.mod`,
      `module berthtools\n\ngo 1.22\n\nrequire ${spec.module} ${spec.version}\n`,
    );
    await Deno.writeTextFile(
      `${mod}/tools.go`,
      `//go:build tools\n\npackage tools\n\nimport _ "${spec.pkg}"\n`,
    );
    const env = { GOBIN: TOOLS_BIN, GOFLAGS: "-mod=mod", CGO_ENABLED: "0" };
    for (const args of [["mod", "tidy"], ["install", spec.pkg]]) {
      const r = await run("go", args, { cwd: mod, env });
      if (r.code !== 0) throw new Error(`go ${args.join(" ")} for ${tool} failed:\n${r.stderr}`);
    }
  } finally {
    await Deno.remove(mod, { recursive: true }).catch(() => {});
  }
  // go install names the binary after the last path element, skipping a major version (/v2).
  const bin = spec.pkg.split("/").filter((p) => !/^v\d+$/.test(p)).at(-1)!;
  if (bin !== tool) await Deno.rename(`${TOOLS_BIN}/${bin}`, local);
  await Deno.writeTextFile(`${TOOLS_BIN}/.${tool}.version`, spec.version);
  return local;
}
