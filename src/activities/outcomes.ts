/**
 * Typed outcomes of calls and meetings, with their labels in each pipeline language. Pure data: forms offer
 * this list, exit criteria refer to the values, and analytics can count them.
 */
export const LANGUAGES = ["en", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];

export const ACTIVITY_OUTCOMES = [
  "INTERESTED", "NOT_INTERESTED", "NO_ANSWER", "CALL_BACK", "AGREED_TO_MEET", "VERBAL_AGREEMENT", "WILL_BUY_AGAIN", "CHURNED",
] as const;
export type ActivityOutcome = (typeof ACTIVITY_OUTCOMES)[number];

export const OUTCOME_LABELS: Record<ActivityOutcome, Record<Language, string>> = {
  INTERESTED: { en: "Interested", ru: "Заинтересован" },
  NOT_INTERESTED: { en: "Not interested", ru: "Не заинтересован" },
  NO_ANSWER: { en: "No answer", ru: "Не дозвонились" },
  CALL_BACK: { en: "Call back later", ru: "Перезвонить позже" },
  AGREED_TO_MEET: { en: "Agreed to meet", ru: "Согласен на встречу" },
  VERBAL_AGREEMENT: { en: "Verbal agreement", ru: "Устное согласие" },
  WILL_BUY_AGAIN: { en: "Will buy again", ru: "Снова купит" },
  CHURNED: { en: "Stopped buying", ru: "Ушёл" },
};

export function outcomeOptions(language: Language): { value: ActivityOutcome; label: string }[] {
  return ACTIVITY_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value][language] }));
}

export const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value);
