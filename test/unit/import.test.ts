import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { validateClientRow } from "../../src/import/client-rows.js";
import { mapColumns } from "../../src/import/columns.js";
import { detectDelimiter, detectEncoding, readCsv, type CsvRow } from "../../src/import/csv.js";
import type { FieldDefinition } from "../../src/custom-fields/validate.js";

async function rows(input: Buffer | AsyncIterable<Buffer>): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of readCsv(input)) out.push(row);
  return out;
}

describe("reading CSV files as people have them", () => {
  it("UTF-8 with a BOM, commas, a quoted field with an embedded newline: cells by header, editor line numbers", async () => {
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('External ID,Name,Notes\nA1,"Acme, Inc.","two\nlines"\nA2,Beta,\n')]);
    expect(await rows(file)).toEqual([
      { line: 3, cells: { "External ID": "A1", Name: "Acme, Inc.", Notes: "two\nlines" } },
      { line: 4, cells: { "External ID": "A2", Name: "Beta", Notes: "" } },
    ]);
  });

  it("a Russian Excel export: Windows-1251, semicolons, Cyrillic headers and names, even split across chunks", async () => {
    const text = "Код;Название;Телефон\r\nК-1;ООО «Ромашка»;8 (495) 123-45-67\r\nК-2;Иванов Пётр;\r\n";
    const bytes = iconv.encode(text, "win1251");
    expect(detectEncoding(bytes)).toBe("windows-1251");
    async function* chunked() {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    }
    expect(await rows(chunked())).toEqual([
      { line: 2, cells: { Код: "К-1", Название: "ООО «Ромашка»", Телефон: "8 (495) 123-45-67" } },
      { line: 3, cells: { Код: "К-2", Название: "Иванов Пётр", Телефон: "" } },
    ]);
  });

  it("a malformed file is one clear error with its line", async () => {
    await expect(rows(Buffer.from("name,phone\nAcme,1,extra\n"))).rejects.toMatchObject({ name: "Error", line: 2 });
    await expect(rows(Buffer.from('name\n"unclosed\n'))).rejects.toThrow(/line \d+: .*quote/i);
  });

  it("detects the delimiter from the header outside quotes, and UTF-8 cut inside a character", () => {
    expect(detectDelimiter('"a;b",c,d\n1;2;3;4')).toBe(",");
    expect(detectDelimiter("a;b;c\n")).toBe(";");
    const utf8 = Buffer.from("Название", "utf8");
    expect(detectEncoding(utf8.subarray(0, utf8.length - 1))).toBe("utf-8");
  });
});

const BUDGET: FieldDefinition = { key: "budget", label: "Бюджет", type: "NUMBER", options: [], required: false };
const VIP: FieldDefinition = { key: "vip", label: "VIP", type: "BOOL", options: [], required: false };

describe("matching columns", () => {
  it("accepts the API's names in any case, camelCase or snake_case, Russian synonyms, custom fields by key or label", () => {
    const mapping = mapColumns("clients", ["external_id", "NAME", "Target Audience", "Телефон", "Бюджет", "customFields.vip", "Colour"], [BUDGET, VIP]);
    expect(Object.fromEntries(mapping.fields)).toEqual({
      external_id: "externalId", NAME: "name", "Target Audience": "targetAudience", Телефон: "phone", Бюджет: "customFields.budget", "customFields.vip": "customFields.vip",
    });
    expect(mapping.unknown).toEqual(["Colour"]);
    expect(mapping.missing).toEqual([]);
  });

  it("an explicit mapping wins; a file without a name column says so", () => {
    const mapping = mapColumns("clients", ["Firma", "Site"], [], { Firma: "name" });
    expect(Object.fromEntries(mapping.fields)).toEqual({ Firma: "name", Site: "website" });
    expect(mapColumns("clients", ["Site"], []).missing).toEqual(["name"]);
  });
});

describe("validating a client row", () => {
  const headers = ["Код", "Название", "Тип", "Телефон", "E-mail", "Сайт", "Бюджет", "VIP"];
  const mapping = mapColumns("clients", headers, [BUDGET, VIP]);
  const cells = (values: string[]) => Object.fromEntries(headers.map((h, i) => [h, values[i] ?? ""]));

  it("normalises a good row: phone to E.164, e-mail lower-case, website with a scheme, spreadsheet numbers and booleans", () => {
    const result = validateClientRow(2, cells(["К-1", " Ромашка ", "физлицо", "8 (916) 123-45-67", "Info@Romashka.RU", "romashka.ru", "1 250,50", "да"]), mapping, [BUDGET, VIP]);
    expect(result.issues).toEqual([]);
    expect(result.row).toMatchObject({
      line: 2, externalId: "К-1", name: "Ромашка", kind: "PERSON", phone: "+79161234567", email: "info@romashka.ru",
      website: "https://romashka.ru/", customFields: { budget: 1250.5, vip: true },
    });
  });

  it("refuses a bad row whole, naming every problem with the file's column", () => {
    const result = validateClientRow(7, cells(["К-2", "", "robot", "12", "not-an-email", "ftp://x", "много", "maybe"]), mapping, [BUDGET, VIP]);
    expect(result.row).toBeNull();
    expect(result.issues).toEqual([
      { line: 7, column: "Название", message: "is required" },
      { line: 7, column: "Тип", message: "must be COMPANY or PERSON (компания / физлицо)" },
      { line: 7, column: "Телефон", message: '"12" is not a valid phone number' },
      { line: 7, column: "E-mail", message: '"not-an-email" is not a valid e-mail address' },
      { line: 7, column: "Сайт", message: '"ftp://x" is not a web address' },
      { line: 7, column: "Бюджет", message: "must be a number" },
      { line: 7, column: "VIP", message: "must be true or false" },
    ]);
  });
});

describe("SeenKeys", () => {
  it("remembers the first line of every key, through many growths, like a Map would", async () => {
    const { SeenKeys } = await import("../../src/import/seen-keys.js");
    const seen = new SeenKeys();
    const reference = new Map<string, number>();
    for (let line = 2; line < 200_000; line++) {
      const key = line % 3 === 0 ? `O${line % 50_000}` : `Клиент-${line}`;
      const expected = reference.get(key);
      if (expected === undefined) reference.set(key, line);
      expect(seen.firstLine(key, line)).toBe(expected);
    }
  });
});
