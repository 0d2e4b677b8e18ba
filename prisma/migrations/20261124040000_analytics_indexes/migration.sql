-- Period aggregates (revenue, buyers, unpaid invoices, manager discipline) range over these columns.
CREATE INDEX "Order_organizationId_paidAt_idx" ON "Order"("organizationId", "paidAt");
CREATE INDEX "Order_organizationId_invoicedAt_idx" ON "Order"("organizationId", "invoicedAt");
CREATE INDEX "Task_assigneeId_dueAt_idx" ON "Task"("assigneeId", "dueAt");
