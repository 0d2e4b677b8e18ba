import { describe, expect, it } from "vitest";
import { applyCustomFields, type FieldDefinition } from "../../src/custom-fields/validate.js";

const defs: FieldDefinition[] = [
  { key: "segment", label: "Segment", type: "SELECT", options: ["a", "b"], required: true },
  { key: "size", label: "Size", type: "NUMBER", options: [], required: false },
  { key: "since", label: "Since", type: "DATE", options: [], required: false },
  { key: "vip", label: "VIP", type: "BOOL", options: [], required: false },
  { key: "site", label: "Site", type: "URL", options: [], required: false },
  { key: "mail", label: "Mail", type: "EMAIL", options: [], required: false },
  { key: "tel", label: "Tel", type: "PHONE", options: [], required: false },
  { key: "memo", label: "Memo", type: "TEXT", options: [], required: false },
];

describe("applyCustomFields", () => {
  it("accepts and normalises valid values of every type", () => {
    const { values, issues } = applyCustomFields(defs, {}, {
      segment: "a", size: 3.5, since: "2024-02-29", vip: true, site: "https://x.example", mail: "A@B.example", tel: "8 916 123 45 67", memo: "hi",
    });
    expect(issues).toEqual([]);
    expect(values).toEqual({ segment: "a", size: 3.5, since: "2024-02-29", vip: true, site: "https://x.example", mail: "a@b.example", tel: "+79161234567", memo: "hi" });
  });

  it("reports each wrong value by key", () => {
    const { issues } = applyCustomFields(defs, {}, {
      segment: "z", size: "3", since: "29.02.2024", vip: "yes", site: "ftp://x", mail: "no", tel: "123", memo: "x".repeat(2001), ghost: 1,
    });
    expect(issues.map((i) => i.key).sort()).toEqual(["ghost", "mail", "memo", "segment", "since", "site", "size", "tel", "vip"]);
  });

  it("null removes a value, and required fields must stay filled", () => {
    expect(applyCustomFields(defs, { segment: "a", size: 1 }, { size: null })).toEqual({ values: { segment: "a" }, issues: [] });
    expect(applyCustomFields(defs, { segment: "a" }, { segment: null }).issues).toEqual([{ key: "segment", message: "is required" }]);
    expect(applyCustomFields(defs, {}, {}).issues).toEqual([{ key: "segment", message: "is required" }]);
  });
});
