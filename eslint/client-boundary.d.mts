import type { Rule } from "eslint";

export const clientBoundary: Rule.RuleModule;
