import type { StageKind } from "../generated/prisma/enums.js";

export interface StageTemplate {
  key: string;
  name: string;
  kind: StageKind;
  sellerSteps: string;
  sellerActions: string;
}

/** The seed's 9 statuses (seeds/02-client-statuses.txt), in English. Exit criteria are attached by the pipeline domain. */
export const DEFAULT_STAGES: StageTemplate[] = [
  { key: "object", name: "Object", kind: "ACTIVE", sellerSteps: "Collect any information into the base", sellerActions: "Record the company name, website and phone" },
  { key: "lead_development", name: "Lead development", kind: "ACTIVE", sellerSteps: "Analyse the lead", sellerActions: "Find the director's name and direct phone; describe the business, audience, competitors, problems and solutions" },
  { key: "contact_interest", name: "Contact / interest", kind: "ACTIVE", sellerSteps: "Call the decision-maker", sellerActions: "Show the problems found, learn what else they want to improve, gather information" },
  { key: "meeting_preparation", name: "Meeting preparation", kind: "ACTIVE", sellerSteps: "Prepare solutions", sellerActions: "Prepare solutions for the client's problems and agree on a meeting" },
  { key: "meeting", name: "Meeting", kind: "ACTIVE", sellerSteps: "Hold the meeting", sellerActions: "Learn what fits and what to change; propose cooperation" },
  { key: "closing", name: "Closing", kind: "ACTIVE", sellerSteps: "Close the deal", sellerActions: "Build the complete offer, get the contract signed, push to payment" },
  { key: "won", name: "Won", kind: "WON", sellerSteps: "Support the client", sellerActions: "Learn how they find the solution; ask for referrals" },
  { key: "lost", name: "Lost", kind: "LOST", sellerSteps: "None", sellerActions: "Everyone it did not work out with; revisit in a year" },
  { key: "postponed", name: "Postponed", kind: "POSTPONED", sellerSteps: "Nurture", sellerActions: "Invite to conferences, send useful information, holiday greetings" },
];

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
