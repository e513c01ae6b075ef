// The one image-reference parser every layer reads (render, policies, summaries, deployments, portal).
import { describe, expect, it } from "vitest";
import { imageVersion, parseImageReference } from "../src/core/image-ref.js";

const DIGEST = `sha256:${"4c1e7bd".padEnd(64, "0")}`;

describe("parseImageReference", () => {
  it("reads a colon before the last slash as a registry port, not a tag", () => {
    expect(parseImageReference("host:5000/a/b:1")).toEqual({ repository: "host:5000/a/b", tag: "1" });
    expect(parseImageReference("host:5000/a/b")).toEqual({ repository: "host:5000/a/b" });
  });

  it("splits a digest-only reference", () => {
    const parsed = parseImageReference(`ghcr.io/acme/api@${DIGEST}`);
    expect(parsed).toEqual({ repository: "ghcr.io/acme/api", digest: DIGEST });
    expect("tag" in parsed).toBe(false);
  });

  it("keeps both tag and digest", () => {
    expect(parseImageReference(`host:5000/api:2@${DIGEST}`)).toEqual({ repository: "host:5000/api", tag: "2", digest: DIGEST });
  });

  it("leaves a reference with no tag as the repository alone", () => {
    const parsed = parseImageReference("nginx");
    expect(parsed).toEqual({ repository: "nginx" });
    expect(Object.keys(parsed)).toEqual(["repository"]);
  });

  it("keeps an empty tag visible, so hints can say so", () => {
    expect(parseImageReference("ghcr.io/acme/api:")).toEqual({ repository: "ghcr.io/acme/api", tag: "" });
  });
});

describe("imageVersion", () => {
  it("is the tag when there is one, even beside a digest", () => {
    expect(imageVersion("host:5000/a/b:1.4.3")).toBe("1.4.3");
    expect(imageVersion(`a/b:1.4.3@${DIGEST}`)).toBe("1.4.3");
  });

  it("is the digest's algorithm and first 7 hex digits for a digest-only reference", () => {
    expect(imageVersion(`ghcr.io/acme/api@${DIGEST}`)).toBe("sha256:4c1e7bd");
  });

  it("is the whole reference when it names neither (a port is not a tag)", () => {
    expect(imageVersion("host:5000/a/b")).toBe("host:5000/a/b");
    expect(imageVersion("nginx")).toBe("nginx");
  });
});
