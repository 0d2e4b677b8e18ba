-- Domain rules, second pass (issue #13).

-- Typed call/meeting outcomes. Free-text outcomes that name a known outcome are kept; any other text moves
-- into the activity's body so nothing a manager wrote is lost.
CREATE TYPE "ActivityOutcome" AS ENUM ('INTERESTED', 'NOT_INTERESTED', 'NO_ANSWER', 'CALL_BACK', 'AGREED_TO_MEET', 'VERBAL_AGREEMENT', 'WILL_BUY_AGAIN', 'CHURNED');

CREATE FUNCTION pg_temp.outcome_of(text) RETURNS "ActivityOutcome" LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN $1 IS NULL THEN NULL
    WHEN lower(trim($1)) = 'reactivation:won_back' THEN 'WILL_BUY_AGAIN'
    WHEN lower(trim($1)) = 'reactivation:lost' THEN 'CHURNED'
    WHEN lower(trim($1)) = 'reactivation:no_decision' THEN 'CALL_BACK'
    WHEN upper(regexp_replace(trim($1), '[\s-]+', '_', 'g')) IN
         ('INTERESTED', 'NOT_INTERESTED', 'NO_ANSWER', 'CALL_BACK', 'AGREED_TO_MEET', 'VERBAL_AGREEMENT', 'WILL_BUY_AGAIN', 'CHURNED')
      THEN upper(regexp_replace(trim($1), '[\s-]+', '_', 'g'))::"ActivityOutcome"
  END
$$;

ALTER TABLE "Activity" RENAME COLUMN "outcome" TO "outcome_text";
ALTER TABLE "Activity" ADD COLUMN "outcome" "ActivityOutcome";
UPDATE "Activity" SET "outcome" = pg_temp.outcome_of("outcome_text") WHERE "outcome_text" IS NOT NULL;
UPDATE "Activity" SET "body" = trim(both E'\n' FROM 'Outcome: ' || "outcome_text" || E'\n' || "body")
  WHERE "outcome_text" IS NOT NULL AND "outcome" IS NULL;
ALTER TABLE "Activity" DROP COLUMN "outcome_text";

-- Stored exit criteria refer to the enum; an outcome no value matches is dropped from its criterion.
UPDATE "Stage" s SET "exitCriteria" = (
  SELECT COALESCE(jsonb_agg(
    CASE WHEN c ? 'outcome' THEN
      CASE WHEN pg_temp.outcome_of(c->>'outcome') IS NULL THEN c - 'outcome'
           ELSE jsonb_set(c, '{outcome}', to_jsonb(pg_temp.outcome_of(c->>'outcome')::text)) END
    ELSE c END ORDER BY ord), '[]'::jsonb)
  FROM jsonb_array_elements(s."exitCriteria") WITH ORDINALITY AS e(c, ord))
WHERE s."exitCriteria"::text LIKE '%"outcome"%';

-- Default Closing criteria: the payment counts only since the client entered Closing (a repeat deal does not
-- close on last year's payment), and the hand-over to an account manager is required.
UPDATE "Stage" s SET "exitCriteria" = (
  SELECT jsonb_agg(CASE WHEN c->>'id' = 'closing.order_paid' THEN jsonb_set(c, '{sinceStageEntry}', 'true'::jsonb) ELSE c END ORDER BY ord)
    || CASE WHEN s."exitCriteria" @> '[{"id": "closing.account_manager"}]'::jsonb THEN '[]'::jsonb
            ELSE '[{"id": "closing.account_manager", "kind": "ACCOUNT_MANAGER_ASSIGNED"}]'::jsonb END
  FROM jsonb_array_elements(s."exitCriteria") WITH ORDINALITY AS e(c, ord))
WHERE s.key = 'closing' AND s."exitCriteria" @> '[{"id": "closing.order_paid"}]'::jsonb;

-- Labels (activity outcomes) follow the pipeline's language.
ALTER TABLE "Pipeline" ADD COLUMN "language" TEXT NOT NULL DEFAULT 'en';
UPDATE "Pipeline" p SET "language" = 'ru'
  WHERE EXISTS (SELECT 1 FROM "Stage" s WHERE s."pipelineId" = p.id AND s.key = 'object' AND s.name = 'Объект');

-- First-touch channel attribution, and the account manager a won client is handed to.
CREATE TYPE "ChannelSource" AS ENUM ('MANUAL', 'TRACKED_CALL');
ALTER TABLE "Client" ADD COLUMN "channelSource" "ChannelSource";
UPDATE "Client" SET "channelSource" = 'MANUAL' WHERE "channelId" IS NOT NULL;
ALTER TABLE "Client" ADD COLUMN "accountManagerId" UUID;
ALTER TABLE "Client" ADD CONSTRAINT "Client_accountManagerId_fkey" FOREIGN KEY ("accountManagerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Employments are edited in place now: optimistic locking like every other editable record.
ALTER TABLE "Employment" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

-- A chase not done when the next one comes due is MISSED (counted in discipline) and rolls over.
ALTER TYPE "TaskStatus" ADD VALUE 'MISSED';

-- One open payment chase per order: close duplicates left by the old "one more every 2 days" rule,
-- keeping the latest, then let the database guarantee it.
UPDATE "Task" t SET status = 'CANCELLED', "completedAt" = now(), result = 'Merged into the latest chase of this invoice', version = version + 1
  WHERE t.type = 'PAYMENT_CHASE' AND t.status = 'OPEN' AND t."orderId" IS NOT NULL
    AND EXISTS (SELECT 1 FROM "Task" n WHERE n."orderId" = t."orderId" AND n.type = 'PAYMENT_CHASE' AND n.status = 'OPEN'
                AND (n."dueAt", n.id) > (t."dueAt", t.id));
CREATE UNIQUE INDEX "Task_one_open_chase_per_order" ON "Task" ("orderId") WHERE type = 'PAYMENT_CHASE' AND status = 'OPEN';

-- E-mail addresses are stored lower-case, so a search by e-mail is an exact, indexable match.
UPDATE "Contact" c SET emails = ARRAY(SELECT lower(e) FROM unnest(c.emails) AS e)
  WHERE EXISTS (SELECT 1 FROM unnest(c.emails) AS e WHERE e <> lower(e));
