import { describe, expect, it } from "vitest";
import { constraintDraftErrors, type ConstraintDraft } from "@/components/api-keys/constraints-editor";

function draft(patch: Partial<ConstraintDraft>): ConstraintDraft {
  return { id: 1, type: "prefix", value: "", methods: [], touched: true, ...patch };
}

describe("constraintDraftErrors", () => {
  it("accepts what the server accepts", () => {
    expect(constraintDraftErrors(draft({ value: "/v1/invoices" }))).toBeNull();
    expect(constraintDraftErrors(draft({ type: "verb", methods: ["GET"] }))).toBeNull();
    // Checkboxes left from a path rule do not travel with an address rule, so they are no problem.
    expect(constraintDraftErrors(draft({ type: "ip", value: "10.0.0.0/8", methods: ["GET"] }))).toBeNull();
  });

  it("shows the server's message under the field it is about", () => {
    expect(constraintDraftErrors(draft({ value: "" }))).toEqual({ value: "Path is required." });
    expect(constraintDraftErrors(draft({ type: "verb" }))).toEqual({ methods: "Choose at least one HTTP method." });
    expect(constraintDraftErrors(draft({ type: "ip", value: "10.1.2.3/8" }))?.value).toContain("write the network, 10.0.0.0/8");
  });

  it("refuses what the server refuses, e.g. characters outside RFC 3986 paths", () => {
    expect(constraintDraftErrors(draft({ type: "exact", value: "/a<b>" }))?.value).toMatch(/^Path may only contain/);
    expect(constraintDraftErrors(draft({ type: "exact", value: "/a%zz" }))?.value).toMatch(/^Path may only contain/);
  });
});
