import { z } from "zod";

export const reactivationSettingsSchema = z.object({
  factor: z.number().min(0.1, "must be at least 0.1").max(20, "must be at most 20").default(1),
  fixedPeriodDays: z.number().positive("must be positive").max(36500).nullable().default(null),
  assignTo: z.enum(["OWNER", "DEDICATED_MANAGER"]).default("OWNER"),
  dedicatedManagerId: z.string().uuid().nullable().default(null),
  sweepEveryDays: z.number().int().min(1).max(365).default(7),
  callScript: z
    .string()
    .max(10000)
    .default(
      "1. Greet and remind who we are. 2. Ask how things are and why they have not ordered lately. " +
        "3. Record the reason. 4. Learn current needs. 5. Offer a next step (offer, meeting, discount).",
    ),
  /** A client closed as LOST is not listed again for this long, unless it buys again meanwhile. */
  relistLostAfterDays: z.number().int().min(0, "cannot be negative").max(3650, "at most 10 years").default(180),
  lastSweepAt: z.string().datetime().nullable().default(null),
});

export type ReactivationSettings = z.infer<typeof reactivationSettingsSchema>;

/** Reads the organization's settings JSON; unknown or broken values fall back to defaults rather than failing the sweep. */
export function readReactivationSettings(settings: unknown): ReactivationSettings {
  const raw = (settings as { reactivation?: unknown } | null)?.reactivation ?? {};
  const parsed = reactivationSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : reactivationSettingsSchema.parse({});
}
