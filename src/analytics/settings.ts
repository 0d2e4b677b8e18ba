import { z } from "zod";

const classOffer = z.object({ discountPercent: z.number().min(0).max(100).default(0), offer: z.string().max(2000).default("") });

export const abcSettingsSchema = z
  .object({
    windowMonths: z.number().int().min(1).max(120).default(12),
    a: z.number().gt(0).lt(1).default(0.8),
    b: z.number().gt(0).lt(1).default(0.15),
    offers: z
      .object({ A: classOffer.default({ discountPercent: 0, offer: "" }), B: classOffer.default({ discountPercent: 0, offer: "" }), C: classOffer.default({ discountPercent: 0, offer: "" }) })
      .default({ A: { discountPercent: 0, offer: "" }, B: { discountPercent: 0, offer: "" }, C: { discountPercent: 0, offer: "" } }),
  })
  .refine((s) => s.a + s.b < 1, { message: "a + b must be below 1 (C takes the rest)", path: ["b"] });

export type AbcSettings = z.infer<typeof abcSettingsSchema>;

export function readAbcSettings(settings: unknown): AbcSettings {
  const parsed = abcSettingsSchema.safeParse((settings as { abc?: unknown } | null)?.abc ?? {});
  return parsed.success ? parsed.data : abcSettingsSchema.parse({});
}
