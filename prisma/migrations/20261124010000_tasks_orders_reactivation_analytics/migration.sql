-- CreateEnum
CREATE TYPE "FollowUpTrigger" AS ENUM ('ACTIVITY_LOGGED', 'STAGE_ENTERED', 'ORDER_INVOICED');

-- CreateEnum
CREATE TYPE "ReactivationStatus" AS ENUM ('OPEN', 'WON_BACK', 'LOST');

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "orderId" UUID,
ADD COLUMN     "ruleId" UUID;

-- CreateTable
CREATE TABLE "FollowUpRule" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "trigger" "FollowUpTrigger" NOT NULL,
    "activityType" "ActivityType",
    "stageId" UUID,
    "taskType" "TaskType" NOT NULL,
    "taskTitle" TEXT NOT NULL,
    "delayMinutes" INTEGER NOT NULL,
    "repeatEveryMinutes" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FollowUpRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Escalation" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "taskId" UUID NOT NULL,
    "managerId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "number" TEXT,
    "amount" DECIMAL(14,2) NOT NULL,
    "invoicedAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),
    "shippedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReactivationEntry" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "assigneeId" UUID,
    "taskId" UUID,
    "status" "ReactivationStatus" NOT NULL DEFAULT 'OPEN',
    "lastPurchaseAt" TIMESTAMP(3) NOT NULL,
    "expectedIntervalDays" DECIMAL(10,2) NOT NULL,
    "churnReasonId" UUID,
    "note" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "ReactivationEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AbcSnapshot" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "thresholds" JSONB NOT NULL,

    CONSTRAINT "AbcSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AbcSnapshotEntry" (
    "snapshotId" UUID NOT NULL,
    "clientId" UUID NOT NULL,
    "class" TEXT NOT NULL,
    "revenue" DECIMAL(16,2) NOT NULL,

    CONSTRAINT "AbcSnapshotEntry_pkey" PRIMARY KEY ("snapshotId","clientId")
);

-- CreateTable
CREATE TABLE "ChannelSpend" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "month" DATE NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "ChannelSpend_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundCall" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "channelId" UUID,
    "clientId" UUID,
    "fromPhone" TEXT,
    "trackingPhone" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboundCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FollowUpRule_organizationId_trigger_idx" ON "FollowUpRule"("organizationId", "trigger");

-- CreateIndex
CREATE INDEX "Escalation_organizationId_createdAt_idx" ON "Escalation"("organizationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Escalation_taskId_key" ON "Escalation"("taskId");

-- CreateIndex
CREATE INDEX "Order_organizationId_clientId_paidAt_idx" ON "Order"("organizationId", "clientId", "paidAt");

-- CreateIndex
CREATE INDEX "Order_clientId_createdAt_idx" ON "Order"("clientId", "createdAt");

-- CreateIndex
CREATE INDEX "ReactivationEntry_organizationId_status_openedAt_idx" ON "ReactivationEntry"("organizationId", "status", "openedAt");

-- CreateIndex
CREATE INDEX "ReactivationEntry_clientId_idx" ON "ReactivationEntry"("clientId");

-- CreateIndex
CREATE INDEX "AbcSnapshot_organizationId_computedAt_idx" ON "AbcSnapshot"("organizationId", "computedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelSpend_channelId_month_key" ON "ChannelSpend"("channelId", "month");

-- CreateIndex
CREATE INDEX "InboundCall_organizationId_occurredAt_idx" ON "InboundCall"("organizationId", "occurredAt");

-- CreateIndex
CREATE INDEX "Task_orderId_idx" ON "Task"("orderId");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_ruleId_fkey" FOREIGN KEY ("ruleId") REFERENCES "FollowUpRule"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FollowUpRule" ADD CONSTRAINT "FollowUpRule_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_managerId_fkey" FOREIGN KEY ("managerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReactivationEntry" ADD CONSTRAINT "ReactivationEntry_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReactivationEntry" ADD CONSTRAINT "ReactivationEntry_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReactivationEntry" ADD CONSTRAINT "ReactivationEntry_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReactivationEntry" ADD CONSTRAINT "ReactivationEntry_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReactivationEntry" ADD CONSTRAINT "ReactivationEntry_churnReasonId_fkey" FOREIGN KEY ("churnReasonId") REFERENCES "Reason"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbcSnapshot" ADD CONSTRAINT "AbcSnapshot_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbcSnapshotEntry" ADD CONSTRAINT "AbcSnapshotEntry_snapshotId_fkey" FOREIGN KEY ("snapshotId") REFERENCES "AbcSnapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AbcSnapshotEntry" ADD CONSTRAINT "AbcSnapshotEntry_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelSpend" ADD CONSTRAINT "ChannelSpend_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelSpend" ADD CONSTRAINT "ChannelSpend_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundCall" ADD CONSTRAINT "InboundCall_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundCall" ADD CONSTRAINT "InboundCall_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "Channel"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InboundCall" ADD CONSTRAINT "InboundCall_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Client"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- The scheduler finds due reminders through this partial index only (open, not yet fired), never a scan of all tasks.
CREATE INDEX "Task_due_unfired_idx" ON "Task" ("dueAt") WHERE "status" = 'OPEN' AND "firedAt" IS NULL;

-- Escalation candidates: open, fired, not yet escalated.
CREATE INDEX "Task_escalation_idx" ON "Task" ("dueAt") WHERE "status" = 'OPEN' AND "escalatedAt" IS NULL;

-- Never two open reactivation entries for one client.
CREATE UNIQUE INDEX "ReactivationEntry_one_open_per_client" ON "ReactivationEntry" ("clientId") WHERE "status" = 'OPEN';
