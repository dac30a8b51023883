-- Management keys get a project scope (issue 12): every project (the default, and what keys that
-- existed before this migration keep), or only the projects listed in ApiKeyProjectScope. The
-- services enforce it (lib/services/project-scope.ts); keys of other projects ignore it.

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "projectScopeRestricted" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "ApiKeyProjectScope" (
    "keyId" UUID NOT NULL,
    "projectId" UUID NOT NULL,

    CONSTRAINT "ApiKeyProjectScope_pkey" PRIMARY KEY ("keyId","projectId")
);

-- CreateIndex
CREATE INDEX "ApiKeyProjectScope_projectId_idx" ON "ApiKeyProjectScope"("projectId");

-- CreateIndex: the cascade revoke walks "which keys did this key create"
CREATE INDEX "ApiKey_createdByKeyId_idx" ON "ApiKey"("createdByKeyId");

-- AddForeignKey
ALTER TABLE "ApiKeyProjectScope" ADD CONSTRAINT "ApiKeyProjectScope_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKeyProjectScope" ADD CONSTRAINT "ApiKeyProjectScope_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
