import { z } from "zod";
import { normalizePhone } from "../shared/phone.js";

const text = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const optionalText = (max: number) => text(max).transform((v) => (v === "" ? null : v)).nullish();

/** Card fields shared by create and update. Scalars (URL, phone, email) are already normalised by GraphQL. */
export const clientCardSchema = z.object({
  kind: z.enum(["COMPANY", "PERSON"]).nullish(),
  website: z.string().max(2048).nullish(),
  phone: z.string().refine((p) => normalizePhone(p) !== undefined, "must be a valid phone number").nullish(),
  email: z.string().max(254).nullish(),
  businessDescription: optionalText(5000),
  targetAudience: optionalText(5000),
  competitors: optionalText(5000),
  problemsFound: optionalText(5000),
  proposedSolutions: optionalText(5000),
});

export const createClientSchema = clientCardSchema.extend({ name: text(300).min(1, "is required") });
export const updateClientSchema = clientCardSchema.extend({
  name: text(300).min(1, "cannot be empty").optional(),
  expectedVersion: z.number().int().positive(),
});
