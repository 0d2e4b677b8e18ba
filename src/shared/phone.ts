import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/** Normalises to E.164; numbers without a country code are read in `defaultCountry`. Returns undefined when invalid. */
export function normalizePhone(input: string, defaultCountry: CountryCode = "RU"): string | undefined {
  if (input.length > 40) return undefined;
  const parsed = parsePhoneNumberFromString(input, defaultCountry);
  return parsed?.isValid() ? parsed.number : undefined;
}
