-- Bulk import (issue #15): a client's id in the source system, so re-importing a file updates instead of duplicating.
ALTER TABLE "Client" ADD COLUMN "externalId" TEXT;
CREATE UNIQUE INDEX "Client_organizationId_externalId_key" ON "Client" ("organizationId", "externalId") WHERE "externalId" IS NOT NULL;
CREATE INDEX "Client_organizationId_phone_idx" ON "Client" ("organizationId", "phone") WHERE "phone" IS NOT NULL;

-- Orders too: a purchase history imported twice must not count twice.
ALTER TABLE "Order" ADD COLUMN "externalId" TEXT;
CREATE UNIQUE INDEX "Order_organizationId_externalId_key" ON "Order" ("organizationId", "externalId") WHERE "externalId" IS NOT NULL;

-- And contacts: a person imported twice stays one person.
ALTER TABLE "Contact" ADD COLUMN "externalId" TEXT;
CREATE UNIQUE INDEX "Contact_organizationId_externalId_key" ON "Contact" ("organizationId", "externalId") WHERE "externalId" IS NOT NULL;
