import type { StageKind } from "../generated/prisma/enums.js";
import type { ExitCriterion } from "./criteria.js";
import type { Language } from "../activities/outcomes.js";

export interface StageTemplate {
  key: string;
  name: string;
  kind: StageKind;
  sellerSteps: string;
  sellerActions: string;
  exitCriteria: ExitCriterion[];
}

const filled = (stage: string, field: Extract<ExitCriterion, { kind: "FIELD_FILLED" }>["field"]): ExitCriterion =>
  ({ kind: "FIELD_FILLED", key: `${stage}.${field}`, field });

/** The default exit criteria per stage key (DESIGN.md table), shared by every language of the template. */
export const DEFAULT_CRITERIA: Record<string, ExitCriterion[]> = {
  object: [filled("object", "name"), filled("object", "website"), filled("object", "phone")],
  lead_development: [
    filled("lead", "businessDescription"), filled("lead", "website"), filled("lead", "targetAudience"),
    filled("lead", "competitors"), filled("lead", "problemsFound"), filled("lead", "proposedSolutions"),
    { kind: "DECISION_MAKERS_WITH_DIRECT_PHONE", key: "lead.decision_maker", minCount: 1, requireFullName: true },
  ],
  contact_interest: [{ kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "contact.interest", activityTypes: ["CALL", "MEETING"], outcome: "INTERESTED" }],
  meeting_preparation: [{ kind: "OPEN_TASK_WITH_DUE_TIME", key: "meeting_prep.meeting_scheduled", taskType: "MEETING" }],
  meeting: [{ kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "meeting.verbal_agreement", activityTypes: ["VERBAL_AGREEMENT"] }],
  closing: [
    { kind: "ACTIVITY_SINCE_STAGE_ENTRY", key: "closing.contract_signed", activityTypes: ["CONTRACT_SIGNED"] },
    // Since entering Closing: a won client reopened for a repeat deal must not close on last year's payment.
    { kind: "ORDER_PAID", key: "closing.order_paid", sinceStageEntry: true },
    { kind: "ACCOUNT_MANAGER_ASSIGNED", key: "closing.account_manager" },
  ],
};

type StageText = Omit<StageTemplate, "exitCriteria">;
const withCriteria = (stages: StageText[]): StageTemplate[] =>
  stages.map((stage) => ({ ...stage, exitCriteria: DEFAULT_CRITERIA[stage.key] ?? [] }));

/** The seed's 9 statuses (seeds/02-client-statuses.txt), in English. */
export const DEFAULT_STAGES: StageTemplate[] = withCriteria([
  { key: "object", name: "Object", kind: "ACTIVE", sellerSteps: "Collect any information into the base", sellerActions: "Record the company name, website and phone" },
  { key: "lead_development", name: "Lead development", kind: "ACTIVE", sellerSteps: "Analyse the lead", sellerActions: "Find the director's name and direct phone; describe the business, audience, competitors, problems and solutions" },
  { key: "contact_interest", name: "Contact / interest", kind: "ACTIVE", sellerSteps: "Call the decision-maker", sellerActions: "Show the problems found, learn what else they want to improve, gather information" },
  { key: "meeting_preparation", name: "Meeting preparation", kind: "ACTIVE", sellerSteps: "Prepare solutions", sellerActions: "Prepare solutions for the client's problems and agree on a meeting" },
  { key: "meeting", name: "Meeting", kind: "ACTIVE", sellerSteps: "Hold the meeting", sellerActions: "Learn what fits and what to change; propose cooperation" },
  { key: "closing", name: "Closing", kind: "ACTIVE", sellerSteps: "Close the deal", sellerActions: "Build the complete offer, get the contract signed, push to payment" },
  { key: "won", name: "Won", kind: "WON", sellerSteps: "Support the client", sellerActions: "Learn how they find the solution; ask for referrals" },
  { key: "lost", name: "Lost", kind: "LOST", sellerSteps: "None", sellerActions: "Everyone it did not work out with; revisit in a year" },
  { key: "postponed", name: "Postponed", kind: "POSTPONED", sellerSteps: "Nurture", sellerActions: "Invite to conferences, send useful information, holiday greetings" },
]);

/** The same statuses with the seed's original Russian names and texts. */
export const DEFAULT_STAGES_RU: StageTemplate[] = withCriteria([
  { key: "object", name: "Объект", kind: "ACTIVE", sellerSteps: "Сбор любой информации и занесение её в базу данных", sellerActions: "Внести сайт, название фирмы и телефон фирмы-клиента" },
  { key: "lead_development", name: "Разработка лида", kind: "ACTIVE", sellerSteps: "Анализ информации о лиде", sellerActions: "Узнать имя директора, найти его прямой телефон; описать бизнес, целевую аудиторию, конкурентов, проблемы и решения" },
  { key: "contact_interest", name: "Контакт/ заинтересовать", kind: "ACTIVE", sellerSteps: "Созвониться с ЧПР, показать проблемы на сайте", sellerActions: "Выяснить, что ещё хочет улучшить клиент; показать, что у нас есть решения; собрать максимум информации" },
  { key: "meeting_preparation", name: "Подготовка ко встрече", kind: "ACTIVE", sellerSteps: "Подготовить решения для проблем клиента", sellerActions: "Договориться о встрече; если нет — вернуться на статус ранее" },
  { key: "meeting", name: "Встреча", kind: "ACTIVE", sellerSteps: "Провести встречу", sellerActions: "Выяснить, что подходит, что поменять; предложить сотрудничество" },
  { key: "closing", name: "Дожатие сделки", kind: "ACTIVE", sellerSteps: "Составить комплексное решение", sellerActions: "Подготовить и подписать договор со стороны клиента; подтолкнуть к оплате" },
  { key: "won", name: "Успешно реализовано", kind: "WON", sellerSteps: "Поддерживать клиента", sellerActions: "Выяснять отношение к реализации решения; получить рекомендации о новых клиентах" },
  { key: "lost", name: "Закрыто не реализовано", kind: "LOST", sellerSteps: "Нет", sellerActions: "Все, с кем не получилось поработать; возможно, вернуться через год" },
  { key: "postponed", name: "Отложено", kind: "POSTPONED", sellerSteps: "Поддерживать интерес", sellerActions: "Приглашать на конференции, присылать полезную информацию, поздравлять с праздниками" },
]);

export const PIPELINE_TEMPLATES = { DEFAULT_EN: DEFAULT_STAGES, DEFAULT_RU: DEFAULT_STAGES_RU } as const;
export type PipelineTemplateName = keyof typeof PIPELINE_TEMPLATES;
/** A pipeline remembers its template's language: labels offered with it (activity outcomes) follow it. */
export const TEMPLATE_LANGUAGE: Record<PipelineTemplateName, Language> = { DEFAULT_EN: "en", DEFAULT_RU: "ru" };

/** Rows for Stage.createMany; criteria are stored as JSON exactly as the engine reads them. */
export function stageRows(template: readonly StageTemplate[], organizationId: string, pipelineId: string) {
  return template.map(({ exitCriteria, ...stage }, position) => ({
    ...stage,
    position,
    organizationId,
    pipelineId,
    exitCriteria: JSON.parse(JSON.stringify(exitCriteria)) as object[],
  }));
}

export const DEFAULT_REASONS: { kind: string; key: string; label: string }[] = [
  { kind: "POSTPONED", key: "cannot_pay_now", label: "Cannot pay now" },
  { kind: "POSTPONED", key: "no_need", label: "No need" },
  { kind: "POSTPONED", key: "not_relevant", label: "Not relevant" },
  { kind: "POSTPONED", key: "no_contact", label: "No contact" },
  { kind: "LOST", key: "price", label: "Price" },
  { kind: "LOST", key: "competitor", label: "Chose a competitor" },
  { kind: "LOST", key: "no_need", label: "No need" },
  { kind: "LOST", key: "no_budget", label: "No budget" },
  { kind: "LOST", key: "other", label: "Other" },
  { kind: "CHURN", key: "price", label: "Price" },
  { kind: "CHURN", key: "competitor", label: "Competitor" },
  { kind: "CHURN", key: "quality", label: "Quality" },
  { kind: "CHURN", key: "no_need", label: "No need" },
  { kind: "CHURN", key: "moved", label: "Moved" },
  { kind: "CHURN", key: "other", label: "Other" },
];
