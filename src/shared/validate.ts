import type { z } from "zod";
import { ValidationError } from "../graphql/errors.js";

/** Parses with zod and turns every issue into a typed ValidationError with the input path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, base: string[] = ["input"]): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ path: [...base, ...issue.path.map(String)], message: issue.message })),
  );
}
